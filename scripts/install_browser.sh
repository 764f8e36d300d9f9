#!/usr/bin/env bash
# Installs Debian's chromium for the widget's browser tests (Playwright drives it through
# executable_path; Playwright's own browser download cannot work here). Idempotent and quiet:
# does nothing when /usr/bin/chromium exists. Needs root (or sudo) on a fresh Debian machine.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install_browser: need root or sudo to install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
echo "[setup] installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "install_browser: $CHROMIUM still missing after apt-get" >&2; exit 1; }
