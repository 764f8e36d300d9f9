#!/usr/bin/env bash
# Prints the path of a CPython 3.10 interpreter for the Rasa environment.
# Rasa Open Source 3.6 supports Python 3.8-3.10 only, so we never fall back to a newer one.
set -euo pipefail
is310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }
if [ -n "${RASA_PYTHON:-}" ]; then
  if is310 "$RASA_PYTHON"; then echo "$RASA_PYTHON"; exit 0; fi
  echo "RASA_PYTHON=$RASA_PYTHON is not a CPython 3.10 interpreter." >&2; exit 1
fi
for candidate in python3.10 python3 python; do
  path=$(command -v "$candidate" 2>/dev/null || true)
  if [ -n "$path" ] && is310 "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1 || [ -d "${PYENV_ROOT:-$HOME/.pyenv}" ]; then
  root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
  for path in $(ls -d "$root"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V -r); do
    if is310 "$path"; then echo "$path"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
ERROR: Python 3.10 was not found.
Rasa Open Source 3.6 runs on Python 3.8-3.10 only. Install CPython 3.10, for example:
  pyenv install 3.10.13          # then re-run the command
  apt-get install python3.10 python3.10-venv   # where your distribution has it
or point RASA_PYTHON at an existing python3.10 binary.
MSG
exit 1
