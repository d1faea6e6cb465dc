// Package remote runs commands on and copies files to and from remote
// hosts over SSH, natively (golang.org/x/crypto/ssh and github.com/pkg/sftp;
// no ssh or scp binary, no pseudo-terminal), one host or many at once.
//
// It replaces CUP's cup.shell.expect remote helpers, which drove the ssh
// and scp programs through pexpect. Unlike CUP it never guesses the remote
// exit status (it is read from the protocol), never echoes passwords, and
// verifies host keys against known_hosts by default: accepting an unknown
// key must be asked for (Config.AcceptNewHostKeys) and skipping the check
// entirely is spelled Config.InsecureIgnoreHostKey. A changed host key is
// always an error.
//
// Every call is bounded: Config.ConnectTimeout bounds the TCP connect and
// the SSH handshake, the ctx deadline bounds a command or a copy, and a
// keepalive closes a connection whose peer stopped answering. When a
// command's ctx ends, the command's whole remote process group is killed,
// not just its shell.
//
// CUP names and their Go forms:
//
//	go_ex(host, user, passwd, cmd, timeout)     GoEx(ctx, cfg, cmd) / (*Client).Run(ctx, cmd)
//	go(...)                                     (*Client).Run (deprecated in CUP)
//	checkssh(host, user, passwd)                CheckSSH(ctx, cfg)
//	lscp(src, host, user, passwd, dst)          Lscp(ctx, cfg, src, dst) / (*Client).Upload
//	dscp(host, user, passwd, src, dst)          Dscp(ctx, cfg, src, dst) / (*Client).Download
//	go_with_scp(host, user, passwd, cmd, ...)   GoWithScp(ctx, cfg, cmd, remoteTmp) / (*Client).RunScript
//	the thread-pool "to many hosts" recipe      FanOut.Run / FanOut.Upload, RunAll, UploadAll
//	scp_hosts_dir_by_tarfile(src, hosts, dst)   (*Client).UploadTar, FanOut.UploadTar
//
// Config.CopyProgress observes the bytes moved by Upload, Download and
// UploadTar (for progress bars) without slowing the concurrent SFTP
// transfer down.
package remote
