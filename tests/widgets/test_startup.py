"""The console started as a user starts it (``python main.py``): its real window on an X display
(Xvfb, Qt's xcb platform), and what it says, before Qt could abort, where no window can be shown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from console import __version__
from console.application.desktop_entry import DESKTOP_ID
from console.widgets.main_window import DEFAULT_SIZE
from tests.helpers.display import XWindow, is_viewable, windows, x_property, xvfb

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1920, 1080)
#: The console's start (embedded gateway, simulator, first snapshot) takes seconds; the bound is
#: for a busy 2-core machine.
WINDOW_S, STOP_S = 120.0, 60.0
TITLE = "Supervisor console"  # app_title() in English: the tests run in the C locale
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_QPA_PLATFORM_PLUGIN_PATH")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment without any display or Qt platform, settings and data in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    env |= {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "LANGUAGE": ""}
    return env | extra


def _main(tmp_path: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", "--settings", str(tmp_path / "console.ini"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WINDOW_S,
        check=False,  # the return code is asserted with the output
    )


@pytest.fixture
def x_display() -> Iterator[str]:
    with xvfb(*SCREEN) as name:
        yield name


LAPTOP = (1366, 768)


@pytest.fixture
def laptop_display() -> Iterator[str]:
    with xvfb(*LAPTOP) as name:
        yield name


def _console_window(display: str, console: subprocess.Popen[str], deadline: float) -> XWindow | None:
    """The console's main window once it is shown on ``display`` with the centre's name in its
    title (the feed is live), or None if the console ended or the time ran out first.

    By the title, not by being the first window: at start the STALE banner is briefly a window
    of its own (titled with the application's name) before the main window takes it in.
    """
    while time.monotonic() < deadline and console.poll() is None:
        for window in windows(display):
            if (window.title or "").startswith(f"{TITLE} — ") and is_viewable(display, window):
                return window
        time.sleep(0.5)
    return None


def test_on_a_laptop_screen_the_window_opens_inside_it(tmp_path: Path, laptop_display: str) -> None:
    """The default size (1600x1000) does not fit a 1366x768 laptop: the window opens fitted to
    the screen, not with its right-hand docks and status bar off it."""
    env = _env(tmp_path, DISPLAY=laptop_display, QT_QPA_PLATFORM="xcb")
    err = tmp_path / "console.err"
    with err.open("w") as stderr:
        console = subprocess.Popen(
            [sys.executable, "main.py", "--settings", str(tmp_path / "console.ini")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
    try:
        window = _console_window(laptop_display, console, time.monotonic() + WINDOW_S)
    finally:
        console.send_signal(signal.SIGINT)
        try:
            console.wait(STOP_S)
        except subprocess.TimeoutExpired:
            console.kill()
            console.wait()
    assert window is not None, err.read_text()
    assert (window.x, window.y, window.width, window.height) == (0, 0, *LAPTOP), window


def test_the_console_shows_its_window_on_an_x_display(tmp_path: Path, x_display: str) -> None:
    """``python main.py`` with the real xcb platform: the window appears on the X server, live (the
    centre's name in its title), at its default size, with its icon and desktop id; Ctrl+C
    (SIGINT) then ends it cleanly."""
    env = _env(tmp_path, DISPLAY=x_display, QT_QPA_PLATFORM="xcb")
    out, err = tmp_path / "console.out", tmp_path / "console.err"
    with out.open("w") as stdout, err.open("w") as stderr:  # files: the console never blocks on a pipe
        console = subprocess.Popen(
            [sys.executable, "main.py", "--settings", str(tmp_path / "console.ini")],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
            text=True,
        )
    try:
        window = _console_window(x_display, console, time.monotonic() + WINDOW_S)
        seen = windows(x_display)  # for the message, should there be no such window
        if window is not None:
            icon = x_property(x_display, window, "_NET_WM_ICON")
            desktop_file = x_property(x_display, window, "_KDE_NET_WM_DESKTOP_FILE")
    finally:
        console.send_signal(signal.SIGINT)
        try:
            code = console.wait(STOP_S)
        except subprocess.TimeoutExpired:
            console.kill()
            code = console.wait()
    output = f"exit {code}\n--- stdout\n{out.read_text()}\n--- stderr\n{err.read_text()}"
    assert window is not None, (
        f"no '{TITLE} — centre' window shown within {WINDOW_S:g} s; windows: {seen}; {output}"
    )
    assert (window.width, window.height) == DEFAULT_SIZE, window
    assert window.x >= 0 and window.x + window.width <= SCREEN[0], window
    assert window.y >= 0 and window.y + window.height <= SCREEN[1], window
    assert "Icon (48 x 48)" in icon or "Icon (64 x 64)" in icon, icon[:200]
    assert f'"{DESKTOP_ID}"' in desktop_file, desktop_file
    assert code == 0, f"not a clean stop on SIGINT; {output}"
    assert "embedded gateway on ws://127.0.0.1:" in out.read_text()


def test_without_a_display_it_says_so_and_what_works_instead(tmp_path: Path) -> None:
    """No DISPLAY, no WAYLAND_DISPLAY: Qt would abort (SIGABRT); the console explains, exit 1,
    before it starts anything."""
    run = _main(tmp_path, [], _env(tmp_path))
    assert run.returncode == 1, run.stderr
    assert run.stderr.startswith("error: there is no display to show the console on"), run.stderr
    assert "--screenshot FILE" in run.stderr and "make gateway" in run.stderr, run.stderr
    assert "qt.qpa" not in run.stderr and "Aborted" not in run.stderr, run.stderr
    assert "embedded gateway" not in run.stdout  # nothing was started


def test_a_display_where_no_server_runs_is_named(tmp_path: Path) -> None:
    with xvfb(*SCREEN) as gone:
        pass  # a display number that was just served and is free again
    run = _main(tmp_path, [], _env(tmp_path, DISPLAY=gone))
    assert run.returncode == 1, run.stderr
    assert f"error: cannot reach the display {gone} (DISPLAY)" in run.stderr, run.stderr
    assert "--screenshot FILE" in run.stderr


def test_a_screenshot_needs_no_display_and_no_platform_setting(tmp_path: Path) -> None:
    """Without QT_QPA_PLATFORM, --screenshot renders offscreen by itself (here: no display at all)."""
    shot = tmp_path / "console.png"
    run = _main(tmp_path, ["--screenshot", str(shot), "--after", "1"], _env(tmp_path))
    assert run.returncode == 0, run.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1600, 1000)
    assert f"screenshot {shot} (1600x1000)" in run.stdout


def test_version(tmp_path: Path) -> None:
    run = _main(tmp_path, ["--version"], _env(tmp_path))
    assert (run.returncode, run.stdout, run.stderr) == (0, f"supervisor-console {__version__}\n", "")
    gateway = subprocess.run(
        [sys.executable, "-m", "console.feeds.gateway", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=STOP_S,
        check=False,
    )
    assert (gateway.returncode, gateway.stdout) == (0, f"console-gateway {__version__}\n")
