"""Real displays and real platform plugins for the tests of the console's start-up.

``xvfb()`` starts an X server (Xvfb) on a display number it picks itself
(``-displayfd``: no race with another server starting at the same time) and stops it;
``require_x_tools()`` skips a test when Xvfb or xwininfo is not installed, except on
CI where it fails (scripts/ensure-test-deps.sh installs them). ``windows()`` lists
the X display's windows as ``xwininfo`` reports them. ``plugin_missing_a_library()``
makes a copy of Qt's own xcb plugin that needs one library no system has: the real
case of a missing library, as ``ldd`` and Qt see it, without uninstalling anything.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.application.display import debian_package, platform_plugins

#: Xvfb is up in well under a second; the bound is for a loaded 2-core machine.
XVFB_START_S = 60.0
STOP_S = 30.0
#: Libraries Qt's xcb plugin links against directly, any one of which can be renamed in a copy.
RENAMEABLE = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0", "libxcb.so.1")

_WINDOW = re.compile(
    r'^\s*(?P<id>0x[0-9a-f]+) (?:"(?P<title>.*)"|\(has no name\)): \((?P<wm_class>.*)\)\s+'
    r"(?P<w>\d+)x(?P<h>\d+)\+-?\d+\+-?\d+\s+\+(?P<x>-?\d+)\+(?P<y>-?\d+)\s*$"
)


def require_x_tools() -> None:
    """Skip (fail on CI) unless Xvfb and xwininfo are installed."""
    missing = [tool for tool in ("Xvfb", "xwininfo", "xprop") if shutil.which(tool) is None]
    if missing:
        reason = (
            f"{', '.join(missing)} not installed: scripts/ensure-test-deps.sh installs them "
            "(as root; else sudo apt-get install xvfb x11-utils)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@contextlib.contextmanager
def xvfb(width: int = 1920, height: int = 1080) -> Iterator[str]:
    """An X server on a free display; yields its name (``:N``) once it accepts connections."""
    require_x_tools()
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                f"{width}x{height}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_end,),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        os.close(write_end)
        try:
            # Xvfb writes the display number (and a newline) once it listens: then it is ready.
            number = b""
            deadline = time.monotonic() + XVFB_START_S
            while not number.endswith(b"\n"):
                ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
                chunk = os.read(read_end, 64) if ready else b""
                if not chunk:  # timed out, or Xvfb ended (the pipe closed)
                    log.seek(0)
                    pytest.fail(
                        f"Xvfb gave no display number within {XVFB_START_S:g} s (exit {proc.poll()}):\n"
                        + log.read().decode(errors="replace"),
                        pytrace=False,
                    )
                number += chunk
            yield f":{int(number)}"
        finally:
            os.close(read_end)
            proc.terminate()
            try:
                proc.wait(STOP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass(frozen=True)
class XWindow:
    id: str
    title: str | None
    wm_class: str
    width: int
    height: int
    x: int
    y: int


def windows(display: str) -> list[XWindow]:
    """Every window on ``display`` (the root's whole tree), as xwininfo reports them."""
    out = subprocess.run(
        ["xwininfo", "-root", "-tree"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=STOP_S,
        check=True,
    ).stdout
    found = []
    for line in out.splitlines():
        m = _WINDOW.match(line)
        if m:
            size = (int(m["w"]), int(m["h"]), int(m["x"]), int(m["y"]))
            found.append(XWindow(m["id"], m["title"], m["wm_class"], *size))
    return found


def is_viewable(display: str, window: XWindow) -> bool:
    """Mapped and shown (xwininfo's "Map State: IsViewable")."""
    out = subprocess.run(
        ["xwininfo", "-id", window.id],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=STOP_S,
        check=False,  # the window may be gone by now: then it is not viewable
    ).stdout
    return "Map State: IsViewable" in out


def x_property(display: str, window: XWindow, name: str) -> str:
    """One property of ``window`` as xprop prints it."""
    return subprocess.run(
        ["xprop", "-id", window.id, name],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=STOP_S,
        check=True,
    ).stdout


@dataclass(frozen=True)
class BrokenPlugin:
    qt_dir: Path  # like PySide6's Qt folder: plugins/ and lib/
    folder: Path  # its plugins/platforms
    plugin: Path
    library: str  # the library it needs that no system has
    package: str  # the package the preflight should name for it


def plugin_missing_a_library(where: Path) -> BrokenPlugin:
    """A copy of Qt's real xcb plugin in which one needed library's name ends in 9 instead.

    The name is renamed in the plugin's dynamic string table, same length, so the file
    stays a valid library: the loader (and ldd) then look for, say, libxcb-cursor.so.9,
    which no system has. The copy's RUNPATH ($ORIGIN/../../lib) finds the real Qt
    libraries through a link, so that library is the only one missing.
    """
    plugins = platform_plugins("xcb", {})
    assert plugins, "PySide6's xcb platform plugin not found"
    real = plugins[0]
    data = real.read_bytes()
    old = next((name for name in RENAMEABLE if data.count(b"\0" + name.encode() + b"\0") == 1), None)
    assert old is not None, f"{real} needs none of {RENAMEABLE} (by name, once): update RENAMEABLE"
    new = old[:-1] + "9"
    folder = where / "Qt" / "plugins" / "platforms"
    folder.mkdir(parents=True)
    (where / "Qt" / "lib").symlink_to(real.parents[2] / "lib", target_is_directory=True)
    plugin = folder / real.name
    plugin.write_bytes(data.replace(b"\0" + old.encode() + b"\0", b"\0" + new.encode() + b"\0"))
    plugin.chmod(0o755)
    return BrokenPlugin(where / "Qt", folder, plugin, new, debian_package(new))
