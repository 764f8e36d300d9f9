#!/usr/bin/env bash
# Creates (or reuses) the Python environments from their lock files, under $VENV_DIR (default .venv):
#   $VENV_DIR/rasa     CPython 3.10, Rasa 3.6.21 + rasa_sdk + NLU tokenizers  (requirements/rasa[-dev].lock)
#   $VENV_DIR/gateway  default python3 >= 3.11, aiohttp + python-telegram-bot 22 (requirements/gateway[-dev].lock)
#   scripts/setup_envs.sh [rasa] [gateway]   # both when none is named; `make lint` needs only the gateway's
# By default the development locks (runtime + test and lint tools: what `make test` and CI need);
# ADVISOR_RUNTIME_ONLY=1 installs the runtime locks only (production: no pytest, playwright, ruff).
# Every lock carries the hashes of its files and installs with --require-hashes --no-deps: a file
# that is not the one locked, or a package the lock does not name, stops the install.
# A stamp holding the lock file's hash makes a second run with nothing changed a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_DIR=${VENV_DIR:-.venv}

hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

make_env() {  # name python lockfile
  local name=$1 python=$2 lock=$3 dir="$VENV_DIR/$1"
  local want; want="$(hash_of "$lock" requirements/pip.lock) $(basename "$lock")"  # a switch to the other lock rebuilds
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ] && [ -x "$dir/bin/python" ]; then
    echo "[setup] $name environment is up to date"
    return
  fi
  echo "[setup] creating $name environment in $dir with $python (this takes a few minutes the first time)"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  # The bundled pip is replaced by the locked one, checked by hash like every other file.
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/pip.lock 2>&1 \
    | { grep -v "is ignored: it is neither" || true; }
  # --no-deps: the lock file is the complete, resolved set; --require-hashes: and exactly those files.
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r "$lock" 2>&1 \
    | { grep -v "is ignored: it is neither" || true; }
  "$dir/bin/python" -m pip check >/dev/null || { "$dir/bin/python" -m pip check; exit 1; }
  echo "$want" > "$dir/.stamp"
}

gateway_python() {
  local python=${GATEWAY_PYTHON:-python3}
  if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "ERROR: the gateway needs python3 >= 3.11 ($python is older or missing); set GATEWAY_PYTHON." >&2
    exit 1
  fi
  echo "$python"
}

DEV=-dev
case "${ADVISOR_RUNTIME_ONLY:-}" in 1|true|yes) DEV= ;; esac
[ $# -gt 0 ] || set -- rasa gateway
for name in "$@"; do
  case $name in
    # Python 3.10 is looked for only when the Rasa environment is wanted. (An assignment, so that set -e
    # stops here when no interpreter is found.)
    rasa) python=$(scripts/find_python310.sh); make_env rasa "$python" "requirements/rasa$DEV.lock" ;;
    gateway) python=$(gateway_python); make_env gateway "$python" "requirements/gateway$DEV.lock" ;;
    *) echo "usage: scripts/setup_envs.sh [rasa] [gateway]" >&2; exit 2 ;;
  esac
done
