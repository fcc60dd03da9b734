"""The console in the desktop's application menu: its desktop entry and icon, put in place for the user.

Both files ship in the package (``resources/desktop/``, package data of
``console.resources``), so an installed wheel can put them in place as well as a
checkout: ``supervisor-console --install-desktop`` (``make install-desktop`` runs
the checkout's). They go where the freedesktop.org specifications say a user's own
applications and icons live: ``$XDG_DATA_HOME/applications/`` and
``$XDG_DATA_HOME/icons/hicolor/scalable/apps/`` (``~/.local/share`` by default),
which desktops watch, so the entry shows up in the menu without logging out.

The shipped entry says ``Exec=supervisor-console``; the installed one names the
program that installed it by its absolute path (the checkout's
``.venv/bin/supervisor-console``, pipx's ``~/.local/bin/supervisor-console``), as a
desktop's launcher may not have the same ``PATH`` as the user's shell. Qt-free.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

#: The desktop file id: the entry's file name, the icon's name and what the application reports
#: to the window system (``QGuiApplication.setDesktopFileName``), so a desktop can match the three.
DESKTOP_ID = "bank-supervisor-console"
#: The shipped files, found wherever the package is installed (see resources/__init__.py).
DESKTOP_DIR = Path(str(files("console.resources") / "desktop"))
ENTRY_FILE = DESKTOP_DIR / f"{DESKTOP_ID}.desktop"
ICON_FILE = DESKTOP_DIR / f"{DESKTOP_ID}.svg"

#: Characters that make an Exec argument need quotes (Desktop Entry Specification, "The Exec key").
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


@dataclass(frozen=True)
class InstalledEntry:
    entry: Path
    icon: Path
    command: tuple[str, ...]


def data_home(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (as the spec says)."""
    given = env.get("XDG_DATA_HOME", "")
    if given and Path(given).is_absolute():
        return Path(given)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


def this_program(argv0: str | None = None, executable: str | None = None) -> tuple[str, ...]:
    """The command that starts the console the way it is running now.

    The ``supervisor-console`` script is named by its absolute path, not resolved: pipx
    links ``~/.local/bin/supervisor-console`` into its virtualenv, and the link is what
    survives an upgrade. ``python main.py`` becomes this interpreter and main.py.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    program = os.path.abspath(argv0)
    if program.endswith(".py") or not os.access(program, os.X_OK):
        return (executable or sys.executable, program)
    return (program,)


def exec_argument(arg: str) -> str:
    """One argument of an Exec key: quoted when it holds a reserved character, escaped as the spec says."""
    arg = arg.replace("%", "%%")  # a lone % would start a field code
    if any(c in _RESERVED for c in arg):
        arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    # Exec is a string value, whose own escape rule applies first: every backslash doubled.
    return arg.replace("\\", "\\\\")


def entry_text(command: Sequence[str]) -> str:
    """The shipped entry with ``Exec`` (and ``TryExec``, so the menu hides it once the program is
    gone) naming ``command``."""
    written = {
        "Exec": " ".join(exec_argument(a) for a in command),
        "TryExec": command[0].replace("\\", "\\\\"),
    }
    lines = []
    for line in ENTRY_FILE.read_text(encoding="utf-8").splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}={written[key]}" if key in written else line)
    return "\n".join(lines) + "\n"


def install(env: Mapping[str, str], command: Sequence[str] | None = None) -> InstalledEntry:
    """Write the entry and the icon under the user's data folder; replaces an earlier install."""
    command = tuple(command or this_program())
    home = data_home(env)
    entry = home / "applications" / f"{DESKTOP_ID}.desktop"
    icon = home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    for target, data in ((icon, ICON_FILE.read_bytes()), (entry, entry_text(command).encode("utf-8"))):
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a desktop watching the folder never reads half a file.
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        partial.replace(target)
    return InstalledEntry(entry, icon, command)
