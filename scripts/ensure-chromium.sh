#!/usr/bin/env bash
# Installs Debian's Chromium at /usr/bin/chromium when it is missing: the browser the Swagger UI
# test (`npm run test:browser`) drives through playwright-core. Playwright's own browser download
# is not used; Debian's package is the one browser this project relies on.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "Chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Chromium is missing at $CHROMIUM and installing it needs root (apt-get install chromium)." >&2
  exit 1
fi

echo "Installing Debian's chromium package..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "Chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
