#!/usr/bin/env bash
# System packages the test suite needs beyond Python: a PostgreSQL server (its
# binaries; tests/helpers/postgres.py starts a throwaway cluster on 127.0.0.1), an
# OpenLDAP server (slapd, ldap-utils; tests/helpers/slapd.py starts a throwaway
# directory on 127.0.0.1 for the directory sign-in tests), the
# libraries Qt needs to render offscreen, and for the test that opens the console's
# real window (tests/application/test_display.py): Xvfb, xwininfo (x11-utils), the
# libraries of Qt's xcb platform plugin (named by console.application.display from
# the plugin itself) and desktop-file-validate (desktop-file-utils). Installs them
# with apt when missing and we can; otherwise says what is missing (the PostgreSQL,
# slapd and Xvfb tests then skip, saying why).
# Usage: scripts/ensure-test-deps.sh [PYTHON]   (default .venv/bin/python)
set -uo pipefail
python=${1:-.venv/bin/python}
missing=()
pg_found=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | head -1)
[ -n "$pg_found" ] || command -v initdb >/dev/null || missing+=(postgresql)
for lib in libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || { missing+=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core); break; }
done
[ -x /usr/sbin/slapd ] || command -v slapd >/dev/null || missing+=(slapd ldap-utils)
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xwininfo >/dev/null || missing+=(x11-utils)
command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
# CJK glyphs for the zh_CN interface (the wall display's font-fitting test measures real Chinese text).
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ -x "$python" ]; then
  read -ra xcb < <("$python" -m console.application.display --platform xcb)
  missing+=("${xcb[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing test dependencies: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "note: missing system packages for some tests: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
fi
exit 0
