"""Engine set-up and migrations.

SQLite is tuned for one writer thread and many readers: WAL journal (readers
never block the writer), ``synchronous=FULL`` (the gateway is the system of
record for supervisors' actions: an acknowledged command must survive a power
cut too; batching keeps the fsync per commit cheap), foreign keys on and a
busy timeout. SQLAlchemy takes over BEGIN from the sqlite3 driver, whose legacy
mode would otherwise run SELECTs and DDL outside the transaction; the writer
asks for ``BEGIN IMMEDIATE`` so it takes the write lock up front, where the busy
timeout applies, instead of failing on a lock upgrade half-way.

Migrations run through Alembic, configured in code with the script directory
found next to this module, so they work from any cwd and from an installed
package; ``alembic.ini`` is only for developers running the ``alembic`` CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from console.store.file_modes import secure_sqlite_files, sqlite_files, tighten

log = logging.getLogger(__name__)

APP_NAME = "bank-supervisor-console"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: Execution option naming the BEGIN statement a SQLite connection uses.
SQLITE_BEGIN = "sqlite_begin"


def default_db_url() -> str:
    """The gateway's SQLite file in the user's data directory."""
    return "sqlite:///" + str(Path(user_data_dir(APP_NAME)) / "gateway.db")


def make_engine(url: str, *, busy_timeout: float = 5.0) -> Engine:
    """An engine for ``url``; for SQLite, create the parent directories and set the pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # pre_ping: after a PostgreSQL restart the pooled connections are dead.
        return create_engine(parsed, pool_pre_ping=True)

    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        raise ValueError(f"the store needs a SQLite file, not an in-memory database: {url!r}")
    path = Path(database).expanduser()
    secure_sqlite_files(path)  # 0600 before SQLite writes anything (docs/security.md)
    # LIFO: the writer, which takes a connection for each batch, gets back the one it just used
    # with its pages cached, and the pool's other connections (for readers at the same time) stay
    # idle; first in, first out it went round all of them, each filling its own page cache with
    # the writer's pages (SQLite's memory grew from 4 to 11 MB in the soak, docs/performance.md).
    engine = create_engine(parsed.set(database=str(path)), pool_use_lifo=True)
    timeout_ms = max(0, round(busy_timeout * 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # None: the driver emits no BEGIN of its own; _on_begin below does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
            # No memory-mapped I/O, whatever the build's default: a mapped page on a full or
            # failing filesystem faults (SIGBUS, the process dies without a word) where a read
            # or write returns an error the writer reports and retries (docs/store.md#outages).
            cursor.execute("PRAGMA mmap_size=0")
        finally:
            cursor.close()
        for side in sqlite_files(path)[1:]:  # left behind wider by an older version, say
            tighten(side)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (and, if given, a live connection)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent: nothing happens when already there)."""
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (tests and developers only)."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    """Run Alembic in one transaction on one connection of ``engine``.

    On SQLite, foreign keys are off meanwhile: a batch migration rebuilds a
    table by copy-and-drop, and dropping a referenced table with them on would
    fail. SQLite only lets that pragma change outside a transaction, hence the
    raw driver connection; the keys are checked before the migration commits.
    """
    with engine.connect() as conn:
        driver = conn.connection.driver_connection if engine.dialect.name == "sqlite" else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                run(alembic_config(conn))
                if driver is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
        finally:
            if driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


def upsert(dialect: str, table: Table, keys: list[str], columns: list[str]) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET columns``, for SQLite and PostgreSQL alike."""
    stmt = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
    return stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns})
