#!/usr/bin/env bash
# The dashboard test drives Debian's Chromium (no browser download). Install it
# when it is missing and this machine can (root with apt); otherwise say how.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the dashboard browser test…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The dashboard browser test needs Chromium at $browser: 'sudo apt-get install chromium', or set CHROMIUM_PATH." >&2
exit 1
