#!/usr/bin/env bash
# Starts and stops the real services cup's integration tests use, on
# loopback only, from a throw-away directory:
#   - a fleet of OpenSSH servers, one per address 127.0.0.2 ... 127.0.0.7,
#     plus two addresses with no server (dead hosts) 127.0.0.8, 127.0.0.9;
#   - one MariaDB server on 127.0.0.1.
#
#   eval "$(bash scripts/services.sh start)"   # installs what is missing, starts, prints exports
#   bash scripts/services.sh stop              # stops what start started
#
# The state lives in $CUP_SERVICES_DIR (default: .services in the repo).
# Installing (the servers, and the command-line tools the tests cross-check
# against: ip, ps, free, flock, diff) needs root and Debian's apt-get; everything else runs as root
# too (sshd must, to switch users). Ports are fixed but overridable:
# CUP_SSH_PORT (default 22022) and CUP_MYSQL_PORT (default 33306).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dir=${CUP_SERVICES_DIR:-$here/.services}
ssh_port=${CUP_SSH_PORT:-22022}
mysql_port=${CUP_MYSQL_PORT:-33306}
ssh_hosts=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7)
dead_hosts=(127.0.0.8 127.0.0.9)
pw_user=cuptest

log() { echo "services: $*" >&2; }

install_missing() {
  local pkgs=()
  [ -x /usr/sbin/sshd ] || pkgs+=(openssh-server)
  command -v ssh-keygen >/dev/null || pkgs+=(openssh-client)
  [ -x /usr/sbin/mariadbd ] || pkgs+=(mariadb-server)
  command -v mariadb >/dev/null || pkgs+=(mariadb-client)
  command -v chpasswd >/dev/null || pkgs+=(passwd)
  # Tools the tests cross-check against (ip route, free/ps, flock, ss, diff).
  command -v ip >/dev/null || pkgs+=(iproute2)
  { command -v ps && command -v free; } >/dev/null || pkgs+=(procps)
  command -v flock >/dev/null || pkgs+=(util-linux)
  command -v diff >/dev/null || pkgs+=(diffutils)
  [ ${#pkgs[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing ${pkgs[*]} and not root: cannot install"; return 1
  fi
  log "installing ${pkgs[*]} (apt-get)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2
}

port_open() { # host port: is something listening?
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_sshd() {
  mkdir -p /run/sshd "$dir/ssh"
  local s=$dir/ssh
  [ -f "$s/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C cup-test-client -f "$s/client_key"
  cp "$s/client_key.pub" "$s/authorized_keys"
  : > "$s/known_hosts"
  # A user with a password for password and keyboard-interactive tests.
  id -u "$pw_user" >/dev/null 2>&1 || useradd -m -s /bin/sh "$pw_user"
  # One random password per machine, kept root-only, so that several
  # services dirs (a developer's and a make test run) agree on it.
  local pwfile=/root/.cup-test-password
  if [ ! -s "$pwfile" ]; then
    (umask 077; od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$pwfile")
  fi
  local pw
  pw=$(cat "$pwfile")
  echo "$pw_user:$pw" | chpasswd
  echo "$pw" > "$s/password"
  local h
  for h in "${ssh_hosts[@]}"; do
    local hk=$s/host_$h
    [ -f "$hk" ] || ssh-keygen -q -t ed25519 -N '' -C "cup-test-host-$h" -f "$hk"
    cat > "$s/sshd_$h.conf" <<CONF
ListenAddress $h:$ssh_port
HostKey $hk
PidFile $s/sshd_$h.pid
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
UsePAM no
StrictModes no
MaxStartups 200
MaxSessions 200
LoginGraceTime 30
ClientAliveInterval 0
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
Subsystem sftp internal-sftp
CONF
    if [ -f "$s/sshd_$h.pid" ] && kill -0 "$(cat "$s/sshd_$h.pid")" 2>/dev/null; then
      :
    elif port_open "$h" "$ssh_port"; then
      log "$h:$ssh_port is already in use by another process (another services dir?): stop it or set CUP_SSH_PORT"
      return 1
    else
      /usr/sbin/sshd -f "$s/sshd_$h.conf" -E "$s/sshd_$h.log"
    fi
    echo "[$h]:$ssh_port $(cut -d' ' -f1,2 "$hk.pub")" >> "$s/known_hosts"
  done
  for h in "${ssh_hosts[@]}"; do
    wait_port "$h" "$ssh_port" 10 || { log "sshd on $h:$ssh_port did not start:"; cat "$s/sshd_$h.log" >&2; return 1; }
  done
}

start_mysql() {
  local m=$dir/mysql
  mkdir -p "$m"
  if [ ! -d "$m/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$m/data" --user=root \
      --auth-root-authentication-method=normal >"$m/install.log" 2>&1 ||
      { cat "$m/install.log" >&2; return 1; }
  fi
  if ! { [ -f "$m/m.pid" ] && kill -0 "$(cat "$m/m.pid")" 2>/dev/null; }; then
    if port_open 127.0.0.1 "$mysql_port"; then
      log "127.0.0.1:$mysql_port is already in use by another process: stop it or set CUP_MYSQL_PORT"
      return 1
    fi
    mariadbd --no-defaults --datadir="$m/data" --user=root --socket="$m/mysql.sock" \
      --port="$mysql_port" --bind-address=127.0.0.1 --skip-name-resolve \
      --pid-file="$m/m.pid" --log-error="$m/err.log" >/dev/null 2>&1 &
  fi
  local i
  for ((i = 0; i < 300; i++)); do
    mariadb --no-defaults -uroot --socket="$m/mysql.sock" -e 'select 1' >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb --no-defaults -uroot --socket="$m/mysql.sock" -e 'select 1' >/dev/null 2>&1 ||
    { log "mariadb did not start:"; tail -20 "$m/err.log" >&2; return 1; }
  local pw
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  mariadb --no-defaults -uroot --socket="$m/mysql.sock" >&2 <<SQL
CREATE DATABASE IF NOT EXISTS cuptest CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'cup'@'127.0.0.1';
ALTER USER 'cup'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'cup'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
  echo "$pw" > "$m/password"
}

print_env() {
  local s=$dir/ssh hosts="" dead="" h
  for h in "${ssh_hosts[@]}"; do hosts+="${hosts:+,}$h:$ssh_port"; done
  for h in "${dead_hosts[@]}"; do dead+="${dead:+,}$h:$ssh_port"; done
  cat <<ENV
export CUP_SERVICES_DIR='$dir'
export CUP_SSH_HOSTS='$hosts'
export CUP_SSH_DEAD_HOSTS='$dead'
export CUP_SSH_USER='root'
export CUP_SSH_KEY='$s/client_key'
export CUP_SSH_KNOWN_HOSTS='$s/known_hosts'
export CUP_SSH_PASSWORD_USER='$pw_user'
export CUP_SSH_PASSWORD='$(cat "$s/password")'
export CUP_MYSQL_ADDR='127.0.0.1:$mysql_port'
export CUP_MYSQL_USER='cup'
export CUP_MYSQL_PASSWORD='$(cat "$dir/mysql/password")'
export CUP_MYSQL_DATABASE='cuptest'
ENV
}

stop() {
  local f
  for f in "$dir"/ssh/sshd_*.pid "$dir"/mysql/m.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
  done
  # MariaDB removes its pid file when it has shut down.
  local i
  for ((i = 0; i < 100; i++)); do
    [ -f "$dir/mysql/m.pid" ] || break
    sleep 0.1
  done
  rm -f "$dir"/ssh/sshd_*.pid
}

case "${1:-}" in
start)
  mkdir -p "$dir"
  install_missing
  start_sshd
  start_mysql
  print_env | tee "$dir/env"
  log "started sshd on ${ssh_hosts[*]} (port $ssh_port) and mariadb on 127.0.0.1:$mysql_port"
  ;;
stop) stop; log "stopped" ;;
env) print_env ;;
*) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
