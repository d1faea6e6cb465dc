// Package conf reads and writes CUP's configuration format (the files of
// cup.util.conf's Configure2Dict and Dict2Configure):
//
//	# a comment
//	host: abc.com          # inline comment, cut from the value
//	@disk: /home/disk1     # @key lines build a string array
//	@disk: /home/disk2
//	[server]               # a section; indentation is insignificant
//	    port: 8080
//	    [.limits]          # one more dot per level
//	        max_conn: 100
//	    [.@listener]       # [@key] appends to an array of sections
//	        proto: tcp
//	[GLOBAL]               # back to the root
//	$include "other.conf"  # relative to this file
//
// Parse and ParseFile build an ordered tree of *Section values whose
// entries are strings (raw: a quoted value keeps its quotes), string
// arrays, sections and arrays of sections, exactly as CUP builds its
// ConfDict, with CUP's bugs fixed (see docs/porting.md and the spec):
// every error is an *errs.ParseError with file and line, kind clashes are
// ErrTypeClash instead of crashes, every $include is kept and resolved
// relative to the including file, comments are kept. Marshal, Write and
// WriteFile write a tree back in CUP's layout and refuse (unless
// AllowLossy) anything that would not read back equal. Decode and
// Unmarshal fill a Go struct through `conf:"name"` field tags.
//
// CUP names replaced:
//
//	Configure2Dict(path, remove_comments, separator).get_dict(ignore_error)
//	                          ParseFile(path, KeepInlineComments(), WithSeparator(sep),
//	                          IgnoreIncludeErrors(fn))
//	Dict2Configure(d, separator).write_conf(path)
//	                          WriteFile(path, s, WriteSeparator(sep)); Marshal, Write
//	ConfDict, ConfList        *Section, Entry (KindList, KindSectionList)
//	ConfDict.get_ex           (*Section).Entry (Entry.Comments)
//	ConfDict.get_ordered_keys (*Section).Keys
//	dict(...) -> conf         FromMap; ToMap for the reverse
//	KeyFormatError, ValueFormatError, LineFormatError, ArrayFormatError
//	                          ErrKeyFormat, ErrValueFormat, ErrLineFormat, ErrLevel
//	                          (inside *errs.ParseError)
//	HdfsXmlConf               LoadHadoopXML, (*HadoopXML).Items, WriteItems
//
// CConf and CConfModer (deprecated and broken in CUP) are not ported.
package conf
