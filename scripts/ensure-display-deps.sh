#!/usr/bin/env bash
# Before `make run` starts the console: the system libraries that Qt's platform
# plugin needs here (xcb on an X display, wayland on a Wayland one, offscreen without
# a display), as console.application.display finds them from the plugin itself with
# ldd and names their Debian packages. Installs them when we can (root with apt-get);
# otherwise prints the one command that does and fails, so make stops before Qt
# would abort with a less helpful message.
# Usage: scripts/ensure-display-deps.sh PYTHON
set -uo pipefail
python=${1:?usage: $0 PYTHON}
read -ra packages < <("$python" -m console.application.display)
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing the system libraries Qt needs to show the console: ${packages[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null \
    && exit 0
  echo "error: could not install ${packages[*]}; try: apt-get install ${packages[*]}" >&2
  exit 1
fi
cat >&2 <<MSG
error: Qt needs system libraries that are missing here to show the console.
Install them with this one command, then run make run again:

    sudo apt-get install ${packages[*]}

MSG
exit 1
