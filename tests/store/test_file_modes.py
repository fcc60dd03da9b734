"""The SQLite database and the files beside it are the owner's alone (0600), whatever the umask.

A real store on a real file, and a real gateway; modes read back with os.stat.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import Store
from console.store.file_modes import sqlite_files
from tests.helpers.gateway import GatewayThread, make_config


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone (0644), as on many systems."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_database_and_its_side_files_are_0600_and_its_directory_0700(
    tmp_path: Path, open_umask: None
) -> None:
    db = tmp_path / "new" / "gateway.db"
    store = Store.open(f"sqlite:///{db}")
    try:
        store.upsert_user("sup1", "supervisor", "a-token-of-some-length")
        present = [f for f in sqlite_files(db) if f.exists()]
        assert db in present and db.with_name("gateway.db-wal") in present  # WAL: side files exist
        assert {f.name: mode(f) for f in present} == {f.name: 0o600 for f in present}
        assert mode(db.parent) == 0o700
    finally:
        store.close()
    assert mode(db) == 0o600


def test_an_existing_database_readable_by_others_is_tightened_with_a_warning(
    tmp_path: Path, open_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "gateway.db"
    Store.open(f"sqlite:///{db}").close()
    os.chmod(db, 0o644)
    wal = db.with_name("gateway.db-wal")
    wal.write_bytes(b"")
    os.chmod(wal, 0o666)
    with caplog.at_level(logging.WARNING, logger="console.store.file_modes"):
        store = Store.open(f"sqlite:///{db}")
    try:
        assert mode(db) == 0o600 and mode(wal) == 0o600
        warned = [r.getMessage() for r in caplog.records if r.name == "console.store.file_modes"]
        assert any("gateway.db " in m and "644" in m for m in warned), warned
        assert any("gateway.db-wal" in m and "666" in m for m in warned), warned
    finally:
        store.close()


def test_a_running_gateway_keeps_every_file_of_its_database_0600(tmp_path: Path, open_umask: None) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        gw.call(gw.gateway.sequencer.checkpoint_at_head)
        files = [f for f in tmp_path.iterdir() if f.name.startswith("gateway.db")]
        assert len(files) >= 2  # the database and its WAL at least
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
