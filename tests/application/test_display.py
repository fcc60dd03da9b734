"""The display preflight (console.application.display) on real inputs: environments as Qt reads them,
Qt's own platform plugins and a copy missing a library, ldd, dpkg's record of what ships each
library, real X and Wayland sockets."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.application.display import (
    MissingLibraries,
    NoDisplay,
    UnreachableDisplay,
    candidate_platforms,
    check,
    debian_package,
    describe,
    display_answers,
    missing_libraries,
    platform_in_use,
    platform_plugins,
    qt_directory,
)
from tests.helpers.display import BrokenPlugin, plugin_missing_a_library, xvfb

ROOT = Path(__file__).resolve().parents[2]
_RESOLVED = re.compile(r"^\s*(?P<soname>\S+) => (?P<path>/\S+) \(0x[0-9a-f]+\)$")


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    with xvfb() as name:
        yield name


@pytest.fixture
def broken(tmp_path: Path) -> BrokenPlugin:
    return plugin_missing_a_library(tmp_path)


# -- which platform Qt will try ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("xcb",)),
        ({"XDG_SESSION_TYPE": "x11"}, ("xcb",)),
        ({"XDG_SESSION_TYPE": "wayland"}, ("wayland", "xcb")),
        # Qt leaves GNOME's Wayland sessions on xcb (XWayland) unless told otherwise.
        ({"XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, ("xcb",)),
        ({"QT_QPA_PLATFORM": "offscreen", "XDG_SESSION_TYPE": "wayland"}, ("offscreen",)),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, ("wayland", "xcb")),
        ({"QT_QPA_PLATFORM": "xcb:nograb"}, ("xcb",)),
    ],
)
def test_the_platforms_qt_tries_follow_its_rules(env: dict[str, str], expected: tuple[str, ...]) -> None:
    assert candidate_platforms(env) == expected


def test_the_platform_in_use_is_the_first_with_a_display_else_offscreen() -> None:
    assert platform_in_use({}) == "offscreen"
    assert platform_in_use({"DISPLAY": ":0"}) == "xcb"
    assert platform_in_use({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}) == "wayland"
    assert platform_in_use({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}) == "xcb"
    assert platform_in_use({"QT_QPA_PLATFORM": "vnc"}) == "vnc"


# -- libraries and their packages ----------------------------------------------------------------


def _candidates(path: str) -> list[str]:
    """``path`` as the loader found it, resolved, and under /usr (merged-/usr systems record either)."""
    tries = [path, os.path.realpath(path)]
    return tries + [p.replace("/lib/", "/usr/lib/", 1) for p in tries if p.startswith("/lib/")]


def _dpkg_packages(paths: list[str]) -> dict[str, str]:
    """The package dpkg says installed each of ``paths`` it knows, asked once (each ``dpkg -S``
    reads dpkg's whole database: one call a path took seconds on a busy machine)."""
    out = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True, check=False).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        packages, sep, path = line.partition(": ")
        if sep and path in paths:
            found[path] = packages.split(",")[0].split(":")[0].strip()
    return found


def test_each_library_of_qts_plugins_maps_to_the_package_dpkg_says_ships_it() -> None:
    """Every system library the xcb, wayland and offscreen plugins load, as found on this machine."""
    if shutil.which("dpkg") is None:
        pytest.skip("not a Debian-based system: no dpkg to compare with")
    libraries: dict[str, str] = {}  # soname: path
    for platform in ("xcb", "offscreen", "wayland"):
        (plugin, *_) = platform_plugins(platform, {})
        ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
        for line in ldd.splitlines():
            m = _RESOLVED.match(line)
            if m is not None and "PySide6" not in m["path"]:
                libraries[m["soname"]] = m["path"]
    owners = _dpkg_packages(sorted({c for path in libraries.values() for c in _candidates(path)}))
    checked: dict[str, str] = {}
    for soname, path in libraries.items():
        package = next((owners[c] for c in _candidates(path) if c in owners), None)
        if package is not None:
            checked[soname] = package.removesuffix("t64")  # the 64-bit time_t renames
    assert {"libxcb.so.1", "libxkbcommon-x11.so.0", "libEGL.so.1", "libfontconfig.so.1"} <= set(checked)
    wrong = {so: (debian_package(so), pkg) for so, pkg in checked.items() if debian_package(so) != pkg}
    assert wrong == {}, "soname: (ours, dpkg's)"


def test_the_xcb_plugin_finds_all_its_libraries_once_the_test_set_up_installed_them() -> None:
    (plugin, *_) = platform_plugins("xcb", {})
    assert plugin.is_relative_to(qt_directory() or Path("/nonexistent"))
    assert missing_libraries(plugin) == ()


def test_a_missing_library_is_found_with_the_package_that_brings_it(broken: BrokenPlugin) -> None:
    assert missing_libraries(broken.plugin) == (broken.library,)
    problem = check({"DISPLAY": ":0"}, qt_dir=broken.qt_dir)
    assert problem == MissingLibraries("xcb", broken.plugin, (broken.library,), (broken.package,))
    assert broken.package == broken.library.replace(".so.", "")  # e.g. libxcb-cursor.so.9: libxcb-cursor9


def test_the_message_for_a_missing_library_gives_the_one_command(broken: BrokenPlugin) -> None:
    problem = check({"DISPLAY": ":0"}, qt_dir=broken.qt_dir)
    assert problem is not None
    message = describe(problem, as_root=False)
    assert message.startswith("error: Qt's xcb platform plugin needs system libraries that are missing: ")
    assert broken.library in message
    assert f"Install them with:  sudo apt-get install {broken.package}\n" in message
    assert f"  apt-get install {broken.package}" in describe(problem, as_root=True)
    assert "sudo" not in describe(problem, as_root=True)


def test_the_packages_for_make_name_what_the_platform_in_use_lacks() -> None:
    """``python -m console.application.display`` (make run, ensure-test-deps.sh): packages only."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    for args in ([], ["--platform", "xcb"]):
        out = subprocess.run(
            [sys.executable, "-m", "console.application.display", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert out.stdout == "\n", out.stdout  # the test set-up installed everything
        assert out.stderr == ""


def test_make_run_stops_with_the_install_command_when_it_cannot_install(
    tmp_path: Path, x_display: str, broken: BrokenPlugin
) -> None:
    """scripts/ensure-display-deps.sh as a user who is not root: the one command, and exit 1.

    Two stand-ins, both outside the script: ``id`` answers 1000 (a desktop user; the tests
    run as root, and as root the script would run apt-get), and the script's Python looks
    for Qt's plugins in the broken copy instead of PySide6's folder.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    python = tmp_path / "python-with-broken-qt"
    python.write_text(
        "#!/bin/sh\n"
        f"exec {sys.executable} -c 'import sys; from pathlib import Path; "
        "import console.application.display as d; "
        f'd.qt_directory = lambda: Path("{broken.qt_dir}"); sys.exit(d.main(sys.argv[1:]))\'\n'
    )
    python.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "DISPLAY": x_display}
    env.pop("QT_QPA_PLATFORM", None)
    out = subprocess.run(
        [str(ROOT / "scripts" / "ensure-display-deps.sh"), str(python)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"    sudo apt-get install {broken.package}\n" in out.stderr


# -- displays ------------------------------------------------------------------------------------


def test_no_display_at_all_is_said_with_what_works_without_one() -> None:
    problem = check({})
    assert problem == NoDisplay(("xcb",))
    message = describe(problem)
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in message
    assert "--screenshot FILE" in message and "make gateway" in message and "console-gateway" in message


def test_offscreen_and_other_platforms_are_left_to_qt() -> None:
    assert check({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert check({"QT_QPA_PLATFORM": "minimal"}) is None


def test_a_running_x_server_answers_and_passes(x_display: str) -> None:
    assert display_answers("xcb", x_display, {})
    assert display_answers("xcb", f"unix{x_display}.0", {})
    assert display_answers("xcb", f"unix/{x_display}", {})
    assert not display_answers("xcb", f"tcp/localhost{x_display}", {})  # it does not listen on TCP
    assert check({"DISPLAY": x_display}) is None


def test_an_x_display_nobody_serves_is_unreachable() -> None:
    with xvfb() as name:
        pass  # started and stopped: a display number that was just free, and is again
    assert not display_answers("xcb", name, {})
    problem = check({"DISPLAY": name})
    assert problem == UnreachableDisplay("xcb", name)
    assert f"cannot reach the display {name} (DISPLAY)" in describe(problem)


def test_a_wayland_socket_is_found_in_the_runtime_dir(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert not display_answers("wayland", "wayland-7", env)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "wayland-7"))
        server.listen(1)
        assert display_answers("wayland", "wayland-7", env)
        assert display_answers("wayland", str(tmp_path / "wayland-7"), {})
        assert not display_answers("wayland", "wayland-7", {})  # relative, and no XDG_RUNTIME_DIR


def test_qt_falls_back_to_xcb_when_wayland_is_not_there(x_display: str, tmp_path: Path) -> None:
    env = {
        "XDG_SESSION_TYPE": "wayland",
        "WAYLAND_DISPLAY": "wayland-gone",
        "XDG_RUNTIME_DIR": str(tmp_path),
        "DISPLAY": x_display,
    }
    assert check(env) is None
    env.pop("DISPLAY")
    problem = check(env)
    # The wheel's wayland plugin needs libwayland-cursor0, which the test set-up does not install:
    # where it is missing, that is what is said first; where it is there, the socket is.
    (plugin, *_) = platform_plugins("wayland", {})
    if missing_libraries(plugin):
        assert isinstance(problem, MissingLibraries) and problem.platform == "wayland", problem
    else:
        assert problem == UnreachableDisplay("wayland", "wayland-gone")


def test_a_working_plugin_behind_qts_plugin_path_is_the_one_qt_falls_back_to(
    x_display: str, broken: BrokenPlugin
) -> None:
    """QT_QPA_PLATFORM_PLUGIN_PATH naming the broken copy: Qt tries it, fails, and loads its own."""
    assert check({"DISPLAY": x_display, "QT_QPA_PLATFORM_PLUGIN_PATH": str(broken.folder)}) is None
