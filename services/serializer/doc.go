// Package serializer ports CUP's cup.services.serializer.LocalFileSerilizer:
// an append-only local log ("write-ahead log") of typed records, one fsync
// per record, with size-based rotation, crash recovery, reading from any id
// and purging. Files are byte-compatible with CUP's (Python 2) so either can
// read logs the other wrote; TestInteropCUPSerializer (-tags interop, run
// by scripts/interop-cup.sh with a CUP checkout) checks it against CUP
// 3.2.7 itself, both ways, and a Writer taking over a directory CUP was
// writing.
//
// # Format
//
// A record is LEN (uint32, = 20 + payload length), LOGID (unsigned 128-bit),
// TYPE (uint16), MODE (uint16) and the payload, all little-endian; there is
// no checksum. A log directory holds logfile.list (one absolute path of each
// finished file per line, informational only) and a sub-directory 0 with
// writing.<N> (the file being appended, N = id of its first record) and
// done.<N> (finished files).
//
// # Durability (fsync discipline)
//
// Append writes the record and fsyncs the file before it returns: a record
// whose Append returned nil survives a crash of the process or the machine.
// Creating a writing file, renaming it to done and removing files are
// followed by an fsync of the directory; the list is fsynced after each
// line. If the write or the fsync fails, the file is truncated back to its
// previous end and the id is not consumed, so no torn record stays behind.
// Purge rewrites logfile.list through a temporary file, fsync and rename.
// One Writer at a time may hold a directory: it keeps an exclusive flock
// on <dir>/writer.lock (a file CUP ignores).
//
// # Recovery
//
// OpenWriter recovers the last writing file: complete records are kept, a
// torn tail (a record cut short by a crash, or zero bytes after the last
// record as a power loss can leave) is truncated away, and the file becomes
// done.N, so ids continue densely. CUP zeroed the whole file instead, failed
// on an empty one, and on a clean restart renamed done.N to done.N+1 and
// skipped an id.
//
// # CUP names
//
//	LocalFileSerilizer(dir, ...)           OpenWriter(dir, Options), OpenReader(dir, Options)
//	  skip_badlog, max_logfile_size        Options.SkipBadRecords, Options.MaxFileSize
//	  open4write(truncate_last_failure)    OpenWriter (Options.TruncateTornTail)
//	  add_log(type, mode, binary)          Writer.Append(typ, mode, payload) (record id)
//	  set_current_logid(id)                Writer.SetNextID(id)
//	  purge_data(before_logid)             Writer.Purge(beforeID)
//	  close_write()                        Writer.Close()
//	  open4read(), read(record_num)        OpenReader/OpenReaderAt, Reader.Read(max)
//	  close_read()                         Reader.Close()
//	  is_empty()                           IsEmpty(dir)
//	  switch_logfilelist()                 (done by Purge, atomically)
//	LOG_MOD_ADD, LOG_MOD_SET, LOG_MOD_DEL  ModeAdd, ModeSet, ModeDel
//	LogRecord                              Record
//	asign_uint2byte_bybits, convert_...    (fixed-width little-endian codec)
//
// Note that CUP's add_log returned the id after the record's; Append returns
// the record's own id (NextID gives the next one).
package serializer
