#!/usr/bin/env bash
# Installs Debian's PostgreSQL and Redis servers for the integration and fault tests, which start
# private throwaway instances of them (tests/servers.py). Idempotent and quiet: does nothing when
# initdb and redis-server are already there. Needs root (or sudo) on a fresh Debian machine.
# The packages' own services are not needed: in containers policy-rc.d keeps them from starting.
set -euo pipefail
have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }
have_redis() { command -v redis-server >/dev/null; }
missing=()
have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install_servers: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "[setup] installing Debian's ${missing[*]} for the integration tests"
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=600 -y -qq)
$SUDO "${apt[@]}" update >/dev/null
$SUDO "${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
have_postgres || { echo "install_servers: initdb still missing after apt-get" >&2; exit 1; }
have_redis || { echo "install_servers: redis-server still missing after apt-get" >&2; exit 1; }
