#!/usr/bin/env bash
# `rasa data validate` that fails on warnings too: a warning here is a real defect in the data.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
out=$(.venv/rasa/bin/rasa data validate --domain domain --data data --config config.yml 2>&1)
code=$?
warnings=$(grep -E "UserWarning|WARNING|Warning" <<<"$out" | grep -v "is ignored: it is neither" || true)
if [ $code -ne 0 ] || [ -n "$warnings" ]; then
  echo "$out" | tail -40
  echo "rasa data validate: FAILED (exit $code, $(grep -c . <<<"$warnings") warning lines)"
  exit 1
fi
echo "rasa data validate: clean"
