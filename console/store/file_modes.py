"""The SQLite files hold customers' masked data and the audit: only their owner may read them.

``secure_sqlite_files`` runs before SQLite opens the database: the file is
created empty with mode 0600 if it is not there yet (SQLite then keeps that
mode, and gives the same mode to the ``-wal``, ``-shm`` and ``-journal`` files
it creates beside it), a directory it has to create is 0700, and an existing
database or side file that others may read or write is tightened to 0600 with a
warning in the log. No data is written before that.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

#: Mode of the database and of every file SQLite keeps beside it.
FILE_MODE = 0o600
#: Mode of a directory created for the database.
DIR_MODE = 0o700
#: The files SQLite keeps beside the database.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def sqlite_files(path: Path) -> list[Path]:
    """The database file and the side files SQLite may keep beside it."""
    return [path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)]


def secure_sqlite_files(path: Path) -> None:
    """Make ``path`` (and its side files) the owner's alone; create it empty at 0600 if missing."""
    if not path.parent.exists():
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
        os.chmod(path, FILE_MODE)  # the umask may have taken more away, never less: exactly 0600
    for file in sqlite_files(path):
        tighten(file)


def tighten(file: Path) -> bool:
    """Take group and other permissions off ``file`` if it exists (with a warning); True if it did."""
    try:
        st = os.stat(file)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(st.st_mode) or not st.st_mode & 0o077:
        return False
    os.chmod(file, stat.S_IMODE(st.st_mode) & 0o700)
    log.warning(
        "store: %s was readable or writable by others (mode %o); now %o",
        file,
        stat.S_IMODE(st.st_mode),
        stat.S_IMODE(st.st_mode) & 0o700,
    )
    return True
