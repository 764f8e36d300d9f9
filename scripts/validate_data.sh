#!/usr/bin/env bash
# `rasa data validate` that fails on warnings too: a warning here is a real defect in the data.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
out=$("${VENV_DIR:-.venv}"/rasa/bin/rasa data validate --domain domain --data data --config config.yml 2>&1)
code=$?
# Libraries' deprecation notices are not findings about our data; every other warning counts.
warnings=$(grep -E "Warning|WARNING" <<<"$out" | grep -vE "DeprecationWarning" || true)
if [ $code -ne 0 ] || [ -n "$warnings" ]; then
  echo "$out" | tail -40
  echo "rasa data validate: FAILED (exit $code, $(grep -c . <<<"$warnings") warning lines)"
  exit 1
fi
echo "rasa data validate: clean"
