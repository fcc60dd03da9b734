#!/usr/bin/env bash
# Create the project's virtual environment. Debian and Ubuntu ship python3
# without the venv module (package python3-venv); install it when we can.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if "$python" -m venv "$venv" 2>/dev/null; then
  exit 0
fi
rm -rf "$venv"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  apt-get update -qq
  apt-get install -y -qq "python${ver}-venv" || apt-get install -y -qq python3-venv
  exec "$python" -m venv "$venv"
fi
echo "error: '$python -m venv' failed. On Debian/Ubuntu run: sudo apt-get install python3-venv" >&2
exit 1
