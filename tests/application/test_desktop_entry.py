"""The desktop entry and icon (resources/desktop/, console.application.desktop_entry): valid by
desktop-file-validate, installed where desktops look, starting the program that installed them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage
from pytestqt.qtbot import QtBot

from console.application.desktop_entry import (
    DESKTOP_ID,
    ENTRY_FILE,
    ICON_FILE,
    data_home,
    entry_text,
    install,
    this_program,
)

ROOT = Path(__file__).resolve().parents[2]


def _validate(entry: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        reason = (
            "desktop-file-validate not installed: scripts/ensure-test-deps.sh installs desktop-file-utils"
        )
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    out = subprocess.run([validator, str(entry)], capture_output=True, text=True, timeout=60, check=False)
    assert (out.returncode, out.stdout + out.stderr) == (0, ""), f"{entry}:\n{entry.read_text()}"


def _keys(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def _exec_arguments(value: str) -> list[str]:
    """An Exec value read back as the Desktop Entry Specification says a launcher reads it:
    the string escapes first (``\\\\`` is one backslash), then the quoting."""
    value = value.replace("\\\\", "\\")
    args: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == " ":
            i += 1
            continue
        arg = ""
        if value[i] == '"':
            i += 1
            while value[i] != '"':
                if value[i] == "\\":
                    i += 1
                arg += value[i]
                i += 1
            i += 1
        else:
            while i < len(value) and value[i] != " ":
                arg += value[i]
                i += 1
        args.append(arg.replace("%%", "%"))
    return args


def test_the_shipped_entry_is_valid_and_names_the_icon_and_the_program() -> None:
    _validate(ENTRY_FILE)
    keys = _keys(ENTRY_FILE.read_text(encoding="utf-8"))
    assert keys["Exec"] == keys["TryExec"] == "supervisor-console"  # the script pyproject installs
    assert keys["Icon"] == DESKTOP_ID == ICON_FILE.stem == ENTRY_FILE.stem
    assert keys["Name"] == "Supervisor console"
    assert keys["StartupWMClass"] == "Supervisor console"  # the window's WM_CLASS: Qt's applicationName


def test_the_icon_is_an_svg_drawn_at_48_pixels(qtbot: QtBot) -> None:
    root = ET.parse(ICON_FILE).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 48 48"
    image = QIcon(str(ICON_FILE)).pixmap(QSize(48, 48)).toImage()
    assert (image.width(), image.height()) == (48, 48)
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    colours = {image.pixel(x, y) for x in range(48) for y in range(48)}
    assert len(colours) >= 6, "drawn: background, screen and the three bars' colours at least"


def test_install_puts_entry_and_icon_where_desktops_look(tmp_path: Path) -> None:
    command = (sys.executable, str(ROOT / "main.py"))
    done = install({"XDG_DATA_HOME": str(tmp_path)}, command)
    assert done.entry == tmp_path / "applications" / f"{DESKTOP_ID}.desktop"
    assert done.icon == tmp_path / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    assert done.icon.read_bytes() == ICON_FILE.read_bytes()
    _validate(done.entry)
    keys = _keys(done.entry.read_text(encoding="utf-8"))
    assert _exec_arguments(keys["Exec"]) == list(command)
    assert keys["TryExec"] == sys.executable
    assert sorted(p.name for p in done.entry.parent.iterdir()) == [done.entry.name]  # no partial left
    again = install({"XDG_DATA_HOME": str(tmp_path)}, command)  # installing again replaces
    assert again == done


def test_exec_quotes_what_needs_quoting(tmp_path: Path) -> None:
    command = ("/opt/bank apps/$HOME/bin/supervisor-console", '--say="50%"', "back\\slash")
    text = entry_text(command)
    entry = tmp_path / f"{DESKTOP_ID}.desktop"
    entry.write_text(text, encoding="utf-8")
    _validate(entry)
    assert _exec_arguments(_keys(text)["Exec"]) == list(command)


def test_the_program_is_named_as_it_was_started(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "supervisor-console"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    link = tmp_path / "local-bin-supervisor-console"  # pipx's ~/.local/bin link: kept, not resolved
    link.symlink_to(script)
    assert this_program(str(link)) == (str(link),)
    assert this_program(str(ROOT / "main.py"), "/usr/bin/python3") == (
        "/usr/bin/python3",
        str(ROOT / "main.py"),
    )


def test_the_data_folder_follows_xdg_data_home(tmp_path: Path) -> None:
    assert data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path
    assert data_home({"HOME": str(tmp_path)}) == tmp_path / ".local" / "share"
    assert data_home({"HOME": str(tmp_path), "XDG_DATA_HOME": "relative"}) == tmp_path / ".local" / "share"


def test_supervisor_console_install_desktop_installs_itself(tmp_path: Path) -> None:
    """``main.py --install-desktop`` (what ``make install-desktop`` runs, through the script)."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "main.py", "--install-desktop"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    entry = tmp_path / "applications" / f"{DESKTOP_ID}.desktop"
    assert f"desktop entry {entry} (starts {sys.executable} {ROOT / 'main.py'})" in out.stdout
    assert _exec_arguments(_keys(entry.read_text(encoding="utf-8"))["Exec"]) == [
        sys.executable,
        str(ROOT / "main.py"),
    ]
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg").is_file()
