#!/usr/bin/env bash
# interop-cup.sh runs the tests against Baidu's own CUP (-tags interop):
#   - netasync: a Python CUP IMessageCenter on loopback and a Go Center
#     exchange plain and need-ack messages in both directions, and 400
#     messages of up to 100 KiB each way; "cup msg
#     serve" echoes a CUP sender and "cup msg send" hears a CUP echo;
#   - util/conf: 3 000 generated files parsed by CUP's Configure2Dict and by
#     conf.Parse must agree, and CUP must read back what conf.Marshal writes;
#     300 Hadoop XML files read and edited alike by HdfsXmlConf and HadoopXML;
#   - res: CUP's cup.res.linux and package res read the same machine and the
#     same sleeping child process, field by field;
#   - mail: CUP's SmtpMailer and Mailer compose the same mail; Python's email
#     package must read the same subject, addresses, body and attachments;
#   - net: in a network namespace made for it (root, iproute2), CUP's
#     RouteInfo and RouteTable list the same routes; lookups match the kernel;
#   - util/exfile: CUP's LockFile and LockFile exclude each other across
#     processes for every pair of lock types;
#   - services/heartbeat: a CUP 3.2.7 agent's pickled heartbeats reach a
#     Master over CUPTransport and are acknowledged, and an Agent with
#     LegacyPickle reports to a master built from CUP's classes;
#   - services/serializer: each side reads the other's log directory,
#     and the port continues a log CUP was writing;
#   - log: CUP's cup.log and package log write the same lines to the same
#     files (.wf split), and each side's parser reads the other's lines;
#   - util/generator: CUP's CycleIDGenerator and CycleID issue the same ids;
#   - timeplus: Strftime against the C strftime that CUP's get_str_now
#     uses (python3 only, no CUP code).
# CUP's code is not part of this repository: point the script at a
# checkout of github.com/baidu/CUP.
#
#   bash scripts/interop-cup.sh /path/to/CUP
#
# If the checkout is a git repository with the tag 3.2.7 (the version the
# codec follows), that tag is used, extracted into a temporary directory;
# otherwise the directory is used as it is. The message center runs under
# $CUP_PYTHON, else python2.7 from PATH, else pyenv's newest 2.7 (CUP
# 3.2.7's message classes fail under Python 3); the configuration parser
# and cup.res under $CUP_PYTHON3, else python3 (as the fixtures in
# util/conf/testdata/expected were made).
set -euo pipefail
if [ $# -ne 1 ]; then
	echo "usage: bash scripts/interop-cup.sh /path/to/CUP" >&2
	exit 2
fi
cup=$1
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if git -C "$cup" rev-parse -q --verify 'refs/tags/3.2.7^{commit}' >/dev/null 2>&1; then
	git -C "$cup" archive 3.2.7 | tar -x -C "$tmp"
	src=$tmp
else
	src=$cup
fi
if [ ! -f "$src/cup/net/asyn/msgcenter.py" ]; then
	echo "interop-cup.sh: $src has no cup/net/asyn/msgcenter.py" >&2
	exit 1
fi

python=${CUP_PYTHON:-}
if [ -z "$python" ] && command -v python2.7 >/dev/null && python2.7 -c '' 2>/dev/null; then
	python=python2.7
fi
if [ -z "$python" ] && [ -d "${PYENV_ROOT:-$HOME/.pyenv}/versions" ]; then
	python=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/2.7*/bin/python2.7 2>/dev/null | sort -V | tail -1 || true)
fi
if [ -z "$python" ]; then
	echo "interop-cup.sh: no Python 2.7 found; set CUP_PYTHON" >&2
	exit 1
fi
echo "interop-cup.sh: CUP from $cup, $($python --version 2>&1)" >&2
CUP_SRC=$src CUP_PYTHON=$python CUP_PYTHON3=${CUP_PYTHON3:-python3} \
	go test -tags interop -run 'TestInterop' -count=1 -race -v ./netasync ./util/conf ./res ./util/generator ./timeplus ./log ./mail ./services/serializer ./util/exfile ./net ./services/heartbeat ./cmd/cup/internal/msgcmd
