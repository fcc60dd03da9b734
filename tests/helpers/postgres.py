"""A throwaway PostgreSQL cluster for the store's tests.

``pg_server`` (session scope) runs initdb into a temp dir, with trust auth for
127.0.0.1 only, and starts the server on a free loopback port with its socket
in the same dir; it is stopped and deleted at the end of the session.
``pg_url`` (per test) creates a fresh database on it and yields its
``postgresql+psycopg://`` URL. As root, the server runs as ``postgres`` (or
``nobody``) because initdb and postgres refuse to run as root. Without the
binaries (``PG_BINDIR``, ``/usr/lib/postgresql/*/bin``, or on PATH) the tests
that need them are skipped.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.helpers.network import free_port

SUPERUSER = "postgres"


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, newest version first."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


class PgServer:
    """One running cluster; ``stop``/``start`` let a test restart it under a client."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.run_as: str | None = None
        if os.geteuid() == 0:
            self.run_as = next(u for u in ("postgres", "nobody") if _user_exists(u))
        self.root = Path(tempfile.mkdtemp(prefix="store-pg-"))
        self.datadir = self.root / "data"
        self.logfile = self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        try:
            if self.run_as is not None:
                pw = pwd.getpwnam(self.run_as)
                os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._run(
                "initdb", "-D", str(self.datadir), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-sync",
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        # Trust, but only over the socket in our private dir and from 127.0.0.1.
        (self.datadir / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n", encoding="utf-8"
        )

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.run_as is not None:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        result = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr}{result.stdout}\n{log}")

    def start(self) -> None:
        # A fixed port once chosen, so a restarted server is found at the same URL.
        if not self.port:
            self.port = free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"store_test_{next(self._names)}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl, postgres) not found; set PG_BINDIR to run these tests"
        )
    server = PgServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return pg_server.create_database()
