// Package generator produces process-unique names and numbers, 128-bit
// cycle ids and UUIDs.
//
// It replaces CUP's cup.services.generator (re-exported as cup.util). CUP's
// CGeneratorMan was a singleton that ignored the arguments of every
// construction after the first; here NewGenerator always honours its prefix
// and Default returns the process-wide instance explicitly.
//
// A CycleID issues the 128-bit ids that CUP's message center uses as
// uniq_id. The default layout is CUP 3.2.7's (ids may be persisted by
// existing systems): the high 64 bits are ip<<32 | port and the low 64 bits
// a counter that wraps to 0 after issuing 1<<63. The newest CUP's layout
// (port at bits 80-95, an 80-bit counter) is available with
// WithNewestLayout. Layout.Make and Layout.Decode expose both layouts.
//
// CUP names replaced:
//
//	CGeneratorMan(prefix)        -> NewGenerator(prefix), Default()
//	get_uniqname()               -> Generator.UniqName ("<prefix>-<pid>-<n>";
//	                                CUP concatenated without separators)
//	get_next_uniq_num()          -> Generator.NextUniqNum
//	get_next_uniqhex()           -> Generator.NextUniqHex
//	reset_uniqid_start(n)        -> Generator.ResetUniqIDStart (atomic; CUP raced)
//	get_random_str(n)            -> RandomString
//	get_uuid()                   -> UUID (CUP 3.2.7 returned None)
//	CycleIDGenerator(ip, port)   -> NewCycleID(ip, port, ...)
//	CycleIDGenerator.next_id     -> CycleID.Next
//	CycleIDGenerator.reset_nextid -> CycleID.Reset
//	id2_hexstring / _0x          -> ID.Hex0x / ID.Hex
//	hex2id, ipport (newest)      -> ParseHexID, ID.IPPort, Layout.Decode
//	CachedUUID(mode, max)        -> NewUUIDCache(mode, capacity)
//	CachedUUID.get_uuid(n)       -> UUIDCache.Get
package generator
