#!/bin/sh
# The browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
# `make test` runs this first: when the browser is missing it installs Debian's package if
# this user may (root, or sudo without a password), otherwise it stops and names the one
# command to run. LINDUNG_CHROMIUM points the tests at another Chromium binary.
set -eu

CHROMIUM="${LINDUNG_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

if [ "${LINDUNG_CHROMIUM:-}" ]; then
  echo "LINDUNG_CHROMIUM=$CHROMIUM is not an executable file." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need Chromium at /usr/bin/chromium, and this machine has no apt-get." >&2
  echo "Install Chromium with the system's package manager, or set LINDUNG_CHROMIUM=/path/to/chromium." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  echo "The browser tests need Debian's Chromium, which is not installed. Run once:" >&2
  echo "" >&2
  echo "    sudo sh -c 'apt-get update && apt-get install -y chromium'" >&2
  echo "" >&2
  echo "then run make test again." >&2
  exit 1
fi

echo "Installing Debian's chromium for the browser tests (apt-get)..."
# The package lists of a fresh machine are empty or stale: update them first.
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "apt-get installed chromium but $CHROMIUM is still missing." >&2
  exit 1
fi
