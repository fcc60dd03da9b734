"""Can Qt open a window here? Checked before ``QApplication`` exists, without Qt.

When Qt's platform plugin cannot start, Qt aborts the whole process with a hint to
reinstall the application, which helps nobody: either there is no display to
connect to, or a system library the plugin links against is missing (Qt 6.5+'s xcb
plugin needs ``libxcb-cursor0``, ``libxcb-icccm4``, ``libxcb-keysyms1`` ... that a
fresh Debian or Ubuntu desktop does not have). This module finds both beforehand,
from what Qt itself reads: the environment (``QT_QPA_PLATFORM``,
``XDG_SESSION_TYPE``, ``DISPLAY``, ``WAYLAND_DISPLAY``) and the very plugin file Qt
would load, whose missing libraries ``ldd`` names. Each missing library is mapped to
the Debian package that ships it, so the fix is one ``apt-get install``.

It imports no Qt: loading even QtGui needs some of those libraries. The console
(``console/app.py``) calls ``check`` before it creates the application and words the
result for the user; ``make run`` runs this module (``python -m
console.application.display``) to install what is missing first.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The platforms that show windows on a display, and the variable that names each one's display.
DISPLAY_VARIABLES = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY"}
#: Qt's own default on Linux (QT_QPA_DEFAULT_PLATFORM_NAME of the PySide6 wheels).
DEFAULT_PLATFORM = "xcb"
#: What the console renders with when there is no display: ``--screenshot`` needs nothing more.
HEADLESS_PLATFORM = "offscreen"
#: ldd of one plugin takes milliseconds; the bound is for a machine under heavy load.
LDD_TIMEOUT_S = 30.0
#: Connecting to a display across the network (ssh -X gives localhost:10): answers in far less.
CONNECT_TIMEOUT_S = 3.0

#: Libraries whose Debian package is not named after them by the policy's rule (see ``debian_package``).
PACKAGE_EXCEPTIONS = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libz.so.1": "zlib1g",
    "libGLdispatch.so.0": "libglvnd0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlienc.so.1": "libbrotli1",
}

_SONAME = re.compile(r"^(?P<name>lib.+)\.so\.(?P<version>[0-9][0-9.]*)$")
_NOT_FOUND = re.compile(r"^\s*(?P<soname>\S+)\s+=>\s+not found\s*$")
#: An X display name: [PROTOCOL/][HOST]:NUMBER[.SCREEN] (Xlib's XOpenDisplay).
_X_DISPLAY = re.compile(r"^(?:(?P<protocol>[a-z]+)/)?(?P<host>[^:/]*):(?P<number>\d+)(?:\.\d+)?$")


@dataclass(frozen=True)
class NoDisplay:
    """None of the platforms Qt would try has a display named in the environment."""

    platforms: tuple[str, ...]


@dataclass(frozen=True)
class UnreachableDisplay:
    """The environment names a display, but nothing answers there (no X server, a stale DISPLAY)."""

    platform: str
    display: str


@dataclass(frozen=True)
class MissingLibraries:
    """The platform plugin Qt would load links against libraries this system does not have."""

    platform: str
    plugin: Path
    libraries: tuple[str, ...]
    packages: tuple[str, ...]

    def install_command(self, *, as_root: bool = False) -> str:
        """The one command that installs them (with sudo unless the caller is root)."""
        return ("" if as_root else "sudo ") + "apt-get install " + " ".join(self.packages)


Problem = NoDisplay | UnreachableDisplay | MissingLibraries


def candidate_platforms(env: Mapping[str, str]) -> tuple[str, ...]:
    """The platform plugins Qt will try, in its order (``QGuiApplicationPrivate::createPlatformIntegration``).

    ``QT_QPA_PLATFORM`` wins when set ("wayland;xcb" is a list, "xcb:opt=1" carries options);
    otherwise the session type picks Wayland (except on GNOME, which Qt leaves on xcb) with
    Qt's default, xcb, as the fallback.
    """
    names = env.get("QT_QPA_PLATFORM", "")
    if not names:
        names = DEFAULT_PLATFORM
        session = env.get("XDG_SESSION_TYPE", "")
        desktops = (env.get("XDG_CURRENT_DESKTOP", "") + env.get("XDG_SESSION_DESKTOP", "")).lower()
        if session == "wayland" and "gnome" not in desktops:
            names = f"wayland;{DEFAULT_PLATFORM}"
    platforms = (part.split(":", 1)[0].strip() for part in names.split(";"))
    return tuple(dict.fromkeys(p for p in platforms if p))


def qt_directory() -> Path | None:
    """PySide6's Qt folder (lib/, plugins/), found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "Qt"
        if folder.is_dir():
            return folder
    return None


def platform_plugins(platform: str, env: Mapping[str, str], qt_dir: Path | None = None) -> list[Path]:
    """The files Qt may load for ``platform``, in its order: from ``QT_QPA_PLATFORM_PLUGIN_PATH``
    when set, then PySide6's own (Qt falls back to that one when the first cannot be loaded)."""
    folders = []
    if env.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    qt_dir = qt_dir or qt_directory()
    if qt_dir is not None:
        folders.append(qt_dir / "plugins" / "platforms")
    found = (folder / f"libq{platform}.so" for folder in folders)
    return list(dict.fromkeys(plugin for plugin in found if plugin.is_file()))


def missing_libraries(binary: Path) -> tuple[str, ...]:
    """The libraries ``binary`` needs, directly or through the libraries it loads, that cannot be found.

    ``ldd`` resolves them exactly as the dynamic loader will (RUNPATH, the cache, the
    default folders). Without ``ldd`` (not glibc) nothing can be said: empty, and Qt
    reports for itself.
    """
    ldd = shutil.which("ldd")
    if ldd is None:
        return ()
    try:
        out = subprocess.run(
            [ldd, str(binary)],
            capture_output=True,
            text=True,
            timeout=LDD_TIMEOUT_S,
            check=False,  # ldd fails for some files it cannot read; what it printed still counts
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    found = (m["soname"] for line in out.splitlines() if (m := _NOT_FOUND.match(line)))
    return tuple(dict.fromkeys(found))


def debian_package(soname: str) -> str:
    """The Debian (and Ubuntu) package that ships the library ``soname``.

    Debian policy 8.1 names a library's package after its soname: ``libNAME.so.V`` is
    ``libNAMEV``, with a hyphen between when NAME ends in a digit, in lower case
    (``libxcb-icccm.so.4`` → ``libxcb-icccm4``, ``libxkbcommon-x11.so.0`` →
    ``libxkbcommon-x11-0``, ``libEGL.so.1`` → ``libegl1``). The few that do not follow
    it are listed. Packages renamed for the 64-bit time_t transition (``libglib2.0-0t64``)
    are still installed by their old name: apt picks the package that provides it.
    """
    if soname in PACKAGE_EXCEPTIONS:
        return PACKAGE_EXCEPTIONS[soname]
    m = _SONAME.match(soname)
    if m is None:
        return soname.split(".so", 1)[0].lower().replace("_", "-")
    name, version = m["name"], m["version"]
    joint = "-" if name[-1].isdigit() else ""
    return f"{name}{joint}{version}".lower().replace("_", "-")


def _connects(family: int, address: str | tuple[str, int]) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(CONNECT_TIMEOUT_S)
            s.connect(address)
    except OSError:
        return False
    return True


def display_answers(platform: str, display: str, env: Mapping[str, str]) -> bool:
    """Whether something listens where ``display`` says (a connection, opened and closed, no protocol).

    An X display ``:N`` is the socket /tmp/.X11-unix/XN (also in Linux's abstract
    namespace), ``HOST:N`` is TCP port 6000+N; a Wayland display is a socket in
    ``XDG_RUNTIME_DIR`` (or an absolute path). A name of any other form is taken on trust.
    """
    if platform == "wayland":
        path = Path(display)
        if not path.is_absolute():
            runtime = env.get("XDG_RUNTIME_DIR")
            if not runtime:
                return False  # libwayland refuses a relative name without XDG_RUNTIME_DIR
            path = Path(runtime) / display
        return _connects(socket.AF_UNIX, str(path))
    m = _X_DISPLAY.match(display)
    if m is None:
        return True
    number = int(m["number"])
    local = m["protocol"] in ("unix", "local") or (m["protocol"] is None and m["host"] in ("", "unix"))
    if local:
        x_socket = f"/tmp/.X11-unix/X{number}"
        return _connects(socket.AF_UNIX, "\0" + x_socket) or _connects(socket.AF_UNIX, x_socket)
    return _connects(socket.AF_INET, (m["host"] or "localhost", 6000 + number))


def _missing(platform: str, env: Mapping[str, str], qt_dir: Path | None) -> MissingLibraries | None:
    """What the first of the plugin's files lacks; nothing if one of them (Qt falls back) lacks nothing."""
    first: MissingLibraries | None = None
    for plugin in platform_plugins(platform, env, qt_dir):
        libraries = missing_libraries(plugin)
        if not libraries:
            return None
        packages = tuple(dict.fromkeys(debian_package(lib) for lib in libraries))
        first = first or MissingLibraries(platform, plugin, libraries, packages)
    return first  # None too when there is no such plugin: Qt will say so itself


def check(env: Mapping[str, str], qt_dir: Path | None = None) -> Problem | None:
    """Why Qt could not open a window with this environment, or None if it can (or it cannot be told).

    Only the display platforms are judged (xcb, wayland): with ``QT_QPA_PLATFORM``
    naming any other (offscreen, vnc, eglfs ...), Qt is left to it. A platform that Qt
    would try first may fail as long as a later one works, as Qt then falls back to it.
    """
    platforms = candidate_platforms(env)
    if not platforms or any(p not in DISPLAY_VARIABLES for p in platforms):
        return None
    shown = [(p, env[DISPLAY_VARIABLES[p]]) for p in platforms if env.get(DISPLAY_VARIABLES[p])]
    if not shown:
        return NoDisplay(platforms)
    first: Problem | None = None
    for platform, display in shown:
        problem: Problem | None = _missing(platform, env, qt_dir)
        if problem is None and not display_answers(platform, display, env):
            problem = UnreachableDisplay(platform, display)
        if problem is None:
            return None
        first = first or problem
    return first


def platform_in_use(env: Mapping[str, str]) -> str:
    """The platform the console will run on here: the first display platform with a display
    named, the one ``QT_QPA_PLATFORM`` names otherwise, else offscreen (all ``--screenshot`` needs)."""
    platforms = candidate_platforms(env)
    for p in platforms:
        if p in DISPLAY_VARIABLES and env.get(DISPLAY_VARIABLES[p]):
            return p
    if env.get("QT_QPA_PLATFORM") and platforms and platforms[0] not in DISPLAY_VARIABLES:
        return platforms[0]
    return HEADLESS_PLATFORM


#: Where the no-display messages point: what works without one.
HEADLESS_HINTS = (
    "  Without a display the console can still save a picture of itself: --screenshot FILE\n"
    '  (make run ARGS="--screenshot console.png"), and the gateway runs alone for consoles on\n'
    "  other machines: make gateway (installed: console-gateway)."
)


def describe(problem: Problem, *, as_root: bool | None = None) -> str:
    """The problem in words for the terminal, with what to do about it.

    Plain English like the console's other start-up errors (argparse's among them): it is
    said before Qt, and with it any translation, can be loaded.
    """
    if as_root is None:
        as_root = os.geteuid() == 0
    if isinstance(problem, MissingLibraries):
        return (
            f"error: Qt's {problem.platform} platform plugin needs system libraries that are missing: "
            f"{', '.join(problem.libraries)}.\n"
            f"  Install them with:  {problem.install_command(as_root=as_root)}\n"
            "  (make run installs them itself when it runs as root.)"
        )
    if isinstance(problem, UnreachableDisplay):
        variable = DISPLAY_VARIABLES[problem.platform]
        server = "Wayland compositor" if problem.platform == "wayland" else "X server"
        return (
            f"error: cannot reach the display {problem.display} ({variable}): nothing answers there. "
            f"Is the {server} running, and is {variable} right?\n{HEADLESS_HINTS}"
        )
    tried = ", ".join(problem.platforms)
    return (
        "error: there is no display to show the console on: neither DISPLAY nor WAYLAND_DISPLAY is set "
        f"(Qt platform: {tried}).\n{HEADLESS_HINTS}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m console.application.display``: the Debian packages the console lacks here.

    Prints them space-separated on one line (an empty line when nothing is missing), for
    ``make run`` and scripts/ensure-test-deps.sh to install; the wording for people is the
    console's (and the scripts').
    """
    p = argparse.ArgumentParser(
        prog="python -m console.application.display",
        description="Print the Debian packages that Qt's platform plugin needs and this system lacks.",
    )
    p.add_argument(
        "--platform",
        help="the Qt platform to check (default: the one the console will use here; offscreen "
        "without a display)",
    )
    args = p.parse_args(argv)
    env = dict(os.environ)
    missing = _missing(args.platform or platform_in_use(env), env, None)
    print(" ".join(missing.packages) if missing else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
