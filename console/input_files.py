"""Files the user names on the command line: read only if they are regular files of bounded size.

A scenario (``--scenario``), a wall display's layout (``--layout``) and the
console's settings (``--settings``) are small text files. Pointed at a FIFO, a
device (``/dev/zero``) or a directory, or at a huge file, the program refuses
at once, naming the file and why: it never waits on a pipe and never reads more
than :data:`MAX_INPUT_BYTES`. The FIFO is opened without blocking and judged by
``fstat`` on what was opened (no race between a check and the open).

``--settings`` is written when the console closes: :func:`check_settings_file`
lets it write only to a new file, an empty one, or one it wrote itself (which
carries the line ``settings_owner=bank-supervisor-console``), never over some
other file the user named by mistake.

Qt-free, beside the layers: the scenario loader (sources), the layout loader
(application) and the entry point all use it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

#: The most an input file may hold.
MAX_INPUT_BYTES = 1024 * 1024

#: The settings key that marks a settings file as the console's own, and its value.
SETTINGS_MARKER_KEY = "settings_owner"
SETTINGS_MARKER = "bank-supervisor-console"
_MARKER_LINE = re.compile(
    rf"^\s*{re.escape(SETTINGS_MARKER_KEY)}\s*=\s*{re.escape(SETTINGS_MARKER)}\s*$", re.MULTILINE
)


class InputFileError(ValueError):
    """An input file that cannot be used; ``kind`` is not_regular, too_large, unreadable or foreign."""

    def __init__(self, path: str | Path, kind: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.kind = kind
        self.reason = reason
        self.detail = detail  # what the file is (not_regular), its size (too_large), the OS error


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input_text(path: str | Path, *, limit: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of ``path``, a regular file of at most ``limit`` bytes; raises InputFileError."""
    where = Path(path).expanduser()
    try:
        fd = os.open(where, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputFileError(path, "unreadable", f"cannot read the file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = _file_kind(st.st_mode)
            raise InputFileError(path, "not_regular", f"{what}, not a regular file: refused", what)
        if st.st_size > limit:
            raise InputFileError(path, "too_large", _too_large(st.st_size, limit))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise InputFileError(path, "unreadable", f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise InputFileError(path, "too_large", _too_large(len(data), limit))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "unreadable", f"cannot read the file: not UTF-8 text ({exc})") from None


def _too_large(size: int, limit: int) -> str:
    return f"larger than {limit // 1024} KiB ({size} bytes or more): refused"


def check_settings_file(path: str | Path) -> None:
    """Refuse (InputFileError) a settings file the console may not write: not its own, not regular, huge.

    A file that does not exist yet, or is empty, is fine: the console makes it its own.
    """
    where = Path(path).expanduser()
    try:
        os.lstat(where)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputFileError(path, "unreadable", f"cannot read the file: {exc.strerror or exc}") from None
    text = read_input_text(where)
    if text.strip() and _MARKER_LINE.search(text) is None:
        raise InputFileError(
            path,
            "foreign",
            "exists and is not a settings file of this console (it has no line"
            f" {SETTINGS_MARKER_KEY}={SETTINGS_MARKER}); it is left as it is."
            " Name a new file, or one the console wrote",
        )


# -- files that hold secrets ------------------------------------------------------------------------

#: The most a file holding secrets (a token, a password, users' tokens, a key) may hold.
MAX_SECRET_BYTES = 256 * 1024


def _not_private(what: str, path: str | Path, mode: int) -> InputFileError:
    return InputFileError(
        f"{what} {path}",
        "not_private",
        f"may be read by other users (mode {mode:03o}), and it holds secrets;"
        f" let only its owner read it: chmod 600 {path}",
    )


def check_private_file(path: str | Path, what: str) -> None:
    """Refuse (InputFileError naming ``what``) a secret file that is not a regular file its owner
    alone may read and write (group or other permission bits set), or that another user owns."""
    where = Path(path).expanduser()
    try:
        st = os.stat(where)
    except OSError as exc:
        raise InputFileError(
            f"{what} {path}", "unreadable", f"cannot read the file: {exc.strerror or exc}"
        ) from None
    _check_private(st, what, path)


def _check_private(st: os.stat_result, what: str, path: str | Path) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = _file_kind(st.st_mode)
        raise InputFileError(f"{what} {path}", "not_regular", f"{kind}, not a regular file: refused", kind)
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise _not_private(what, path, mode)
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise InputFileError(
            f"{what} {path}", "not_private", f"belongs to another user (uid {st.st_uid}): refused"
        )


def read_private_text(path: str | Path, what: str, *, limit: int = MAX_SECRET_BYTES) -> str:
    """The text of a file holding secrets (surrounding blanks dropped): checked as
    :func:`check_private_file` says, at most ``limit`` bytes, not empty; InputFileError naming ``what``."""
    check_private_file(path, what)
    try:
        text = read_input_text(path, limit=limit).strip()
    except InputFileError as exc:
        raise InputFileError(f"{what} {path}", exc.kind, exc.reason, exc.detail) from None
    if not text:
        raise InputFileError(f"{what} {path}", "empty", "is empty")
    return text
