"""A throwaway OpenLDAP server (slapd) for the directory sign-in tests.

``Slapd`` writes a ``slapd.conf`` into a temp dir (mdb backend, suffix
``dc=bank,dc=test``, a root DN and password for setting up, ACLs a bank would
use: passwords readable by nobody, usable only to bind), loads people under
``ou=people`` (``userPassword`` hashed ``{SSHA}`` by ``slappasswd``) and
``groupOfNames`` groups under ``ou=groups`` with ``slapadd``, and starts slapd
on 127.0.0.1 on a free port (``-h ldap://127.0.0.1:PORT/``). ``stop`` and
``start`` let a test take the directory away under a running gateway.

Without slapd (``/usr/sbin/slapd``, or ``SLAPD`` in the environment) the tests
that need it are skipped, saying why (``scripts/ensure-test-deps.sh`` installs
``slapd ldap-utils``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers.network import free_port

SUFFIX = "dc=bank,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret-for-tests"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIRS = (Path("/usr/lib/ldap"), Path("/usr/lib64/openldap"), Path("/usr/lib/openldap"))


def find_tool(name: str) -> Path | None:
    env = os.environ.get(name.upper())
    candidates = [Path(env)] if env else []
    candidates += [Path("/usr/sbin") / name, Path("/usr/local/sbin") / name]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def user_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


@dataclass
class Person:
    uid: str
    password: str
    groups: list[str] = field(default_factory=list)  # group cns


class Slapd:
    """One running slapd with the people and groups it was given."""

    def __init__(self, slapd: Path, people: list[Person]) -> None:
        self.slapd = slapd
        slappasswd = find_tool("slappasswd")
        slapadd = find_tool("slapadd")
        if slappasswd is None or slapadd is None:
            raise RuntimeError("slappasswd and slapadd come with slapd; they were not found")
        self.root = Path(tempfile.mkdtemp(prefix="test-slapd-"))
        self.port = free_port()
        self.pidfile = self.root / "slapd.pid"
        self.people = people
        self._proc: subprocess.Popen[bytes] | None = None
        try:
            (self.root / "data").mkdir()
            modules = next((d for d in MODULE_DIRS if (d / "back_mdb.so").exists()), None)
            load = f"modulepath {modules}\nmoduleload back_mdb\n" if modules is not None else ""
            root_hash = self._hash(slappasswd, ROOT_PASSWORD)
            conf = (
                f"include {SCHEMA_DIR}/core.schema\n"
                f"include {SCHEMA_DIR}/cosine.schema\n"
                f"include {SCHEMA_DIR}/inetorgperson.schema\n"
                f"pidfile {self.pidfile}\n"
                f"{load}"
                "database mdb\n"
                "maxsize 16777216\n"
                f"suffix {SUFFIX}\n"
                f"rootdn {ROOT_DN}\n"
                f"rootpw {root_hash}\n"
                f"directory {self.root / 'data'}\n"
                # Passwords: only to bind with; nobody reads them. The rest: signed-in users read.
                "access to attrs=userPassword by anonymous auth by * none\n"
                "access to * by users read by * none\n"
            )
            self.conf = self.root / "slapd.conf"
            self.conf.write_text(conf, encoding="utf-8")
            ldif = self._ldif(slappasswd)
            (self.root / "data.ldif").write_text(ldif, encoding="utf-8")
            self._run(str(slapadd), "-f", str(self.conf), "-l", str(self.root / "data.ldif"))
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def _run(self, *cmd: str) -> str:
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed ({result.returncode}): {result.stderr}{result.stdout}")
        return result.stdout

    def _hash(self, slappasswd: Path, password: str) -> str:
        return self._run(str(slappasswd), "-h", "{SSHA}", "-s", password).strip()

    def _ldif(self, slappasswd: Path) -> str:
        entries = [
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Bank\ndc: bank\n",
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
            f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        ]
        members: dict[str, list[str]] = {}
        for p in self.people:
            entries.append(
                f"dn: {user_dn(p.uid)}\nobjectClass: inetOrgPerson\nuid: {p.uid}\ncn: {p.uid}\n"
                f"sn: {p.uid}\nuserPassword: {self._hash(slappasswd, p.password)}\n"
            )
            for g in p.groups:
                members.setdefault(g, []).append(user_dn(p.uid))
        for g, dns in members.items():
            lines = "".join(f"member: {dn}\n" for dn in dns)
            entries.append(f"dn: {group_dn(g)}\nobjectClass: groupOfNames\ncn: {g}\n{lines}")
        return "\n".join(entries)

    def start(self) -> None:
        log = open(self.root / "slapd.log", "ab")  # noqa: SIM115 - handed to the child
        with log:
            # -d 0: stay in the foreground (a child we can wait for), logging nothing.
            self._proc = subprocess.Popen(
                [str(self.slapd), "-f", str(self.conf), "-h", f"ldap://127.0.0.1:{self.port}/", "-d", "0"],
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"slapd exited ({self._proc.returncode}): "
                    + (self.root / "slapd.log").read_text(errors="replace")
                )
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5):
                return
            time.sleep(0.05)
        raise RuntimeError("slapd did not listen within 30 s")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


#: The people every directory test finds, and their groups (see ``ROLES``).
PEOPLE_IN_TESTS = [
    Person("ann", "Ann-pa55word!", ["console-supervisors"]),
    Person("bob", "B0b-secret-pw", ["console-managers", "console-viewers"]),
    Person("quinn", "Qu1nn-pw-quality", ["console-quality"]),
    Person("zed", "Zed-no-groups-pw", ["canteen"]),
    Person("wanda", "W4nda-wall-pw", ["console-viewers"]),
]

#: The gateway's group → role mapping for them, in precedence order.
ROLES = {
    group_dn("console-admins"): "admin",
    group_dn("console-managers"): "manager",
    group_dn("console-quality"): "quality",
    group_dn("console-supervisors"): "supervisor",
    group_dn("console-viewers"): "viewer",
}


def ldap_config_text(url: str, *, timeout_s: float = 3.0) -> str:
    """The gateway's ``--ldap-config`` file for the test directory."""
    roles = "".join(f'"{dn}" = "{role}"\n' for dn, role in ROLES.items())
    return (
        f'url = "{url}"\n'
        f'user_dn = "uid={{user}},{PEOPLE}"\n'
        f'group_base = "{GROUPS}"\n'
        f"timeout_s = {timeout_s}\n"
        f"\n[roles]\n{roles}"
    )


@pytest.fixture(scope="module")
def slapd_server() -> Iterator[Slapd]:
    binary = find_tool("slapd")
    if binary is None:
        pytest.skip(
            "slapd (OpenLDAP) not found; install slapd and ldap-utils (scripts/ensure-test-deps.sh)"
            " or set SLAPD to run the directory sign-in tests"
        )
    server = Slapd(binary, PEOPLE_IN_TESTS)
    try:
        server.start()
        yield server
    finally:
        server.destroy()
