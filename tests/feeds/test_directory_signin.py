"""Directory sign-in: a real gateway on 127.0.0.1 checking names and passwords against a real slapd.

The directory (tests/helpers/slapd.py) holds ann (supervisors), bob (managers and
viewers), quinn (quality), wanda (viewers) and zed (only a group no role is mapped
to). Skipped, saying why, where slapd is not installed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.domain.permissions import Role
from console.feeds import protocol
from console.feeds.gateway import cli
from console.feeds.gateway.directory import (
    DirectoryConfig,
    Outcome,
    check_password,
    load_directory_config,
    parse_directory_config,
)
from tests.helpers.gateway import GatewayThread, WireClient, close_code, make_config
from tests.helpers.slapd import (
    GROUPS,
    PEOPLE,
    PEOPLE_IN_TESTS,
    ROOT_DN,
    ROOT_PASSWORD,
    Slapd,
    find_tool,
    ldap_config_text,
    slapd_server,
)

__all__ = ["slapd_server"]  # a fixture, imported so pytest finds it here

PASSWORDS = {p.uid: p.password for p in PEOPLE_IN_TESTS}


def directory_config(tmp_path: Path, url: str, *, timeout_s: float = 3.0) -> DirectoryConfig:
    path = tmp_path / "ldap.toml"
    path.write_text(ldap_config_text(url, timeout_s=timeout_s), encoding="utf-8")
    return load_directory_config(path)


@pytest.fixture
def gw(tmp_path: Path, slapd_server: Slapd) -> Iterator[GatewayThread]:
    config = make_config(tmp_path, directory=directory_config(tmp_path, slapd_server.url))
    with GatewayThread(config) as g:
        yield g


def hello(user: str, password: str) -> dict[str, Any]:
    return {"op": "hello", "protocol": 1, "user": user, "password": password, "resume_from": None}


async def welcome_of(url: str, user: str, password: str) -> dict[str, Any]:
    client = await WireClient.open(url, token=None, user=user, password=password)
    try:
        frame = await client.recv_one(15)
    finally:
        await client.close()
    assert frame["op"] == "welcome", frame
    return frame


def test_right_password_signs_in_with_the_role_of_the_first_mapped_group(gw: GatewayThread) -> None:
    async def scenario() -> list[tuple[str, str]]:
        out = []
        for typed, uid in [("ann", "ann"), ("bob", "bob"), ("quinn", "quinn"), ("ANN", "ann")]:
            w = await welcome_of(gw.url, typed, PASSWORDS[uid])
            out.append((w["user"], w["role"]))
        return out

    # bob is in managers and viewers: managers come first in [roles]. "ANN" is ann as the
    # directory spells her (one person, one name in the audit).
    assert asyncio.run(scenario()) == [
        ("ann", "supervisor"),
        ("bob", "manager"),
        ("quinn", "quality"),
        ("ann", "supervisor"),
    ]
    assert gw.call(lambda: dict(gw.gateway.directory_roles)) == {
        "ann": Role.SUPERVISOR,
        "bob": Role.MANAGER,
        "quinn": Role.QUALITY,
    }


def test_a_directory_user_gets_the_floor_and_may_do_what_the_role_may(gw: GatewayThread) -> None:
    async def scenario() -> tuple[int, dict[str, Any]]:
        c = await WireClient.open(gw.url, token=None, user="wanda", password=PASSWORDS["wanda"])
        await c.ready()
        agents = len(c.state.agents)
        await c.send({"op": "command", "id": "c1", "action": "agent.set_state", "args": {}})
        while True:
            frame = await c.recv_one(15)
            if frame["op"] == "ack":
                await c.close()
                return agents, frame

    agents, ack = asyncio.run(scenario())
    assert agents > 0
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"  # a viewer watches only


@pytest.mark.parametrize(
    ("user", "password"),
    [
        ("ann", "wrong-password"),
        ("ann", PASSWORDS["bob"]),  # another user's password
        ("nobody-here", "whatever-pw"),  # an unknown name: the same answer
        ("ann", ""),  # an empty password would be an anonymous bind, which LDAP calls success
        ("ann)(uid=*", "x"),  # no filter or DN injection
    ],
)
def test_wrong_name_or_password_is_refused_like_a_bad_token(
    gw: GatewayThread, user: str, password: str
) -> None:
    assert asyncio.run(close_code(gw.url, hello(user, password))) == protocol.CLOSE_BAD_TOKEN


def test_a_user_in_no_mapped_group_is_refused_saying_so(
    gw: GatewayThread, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert asyncio.run(close_code(gw.url, hello("zed", PASSWORDS["zed"]))) == protocol.CLOSE_NO_ROLE
    assert any("zed signed in but has no console role" in r.getMessage() for r in caplog.records)


def test_a_gateway_without_a_directory_says_it_takes_tokens_only(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path)) as g:
        assert asyncio.run(close_code(g.url, hello("ann", "pw"))) == protocol.CLOSE_NO_DIRECTORY


def test_a_hello_with_a_token_and_a_name_is_a_bad_frame(gw: GatewayThread) -> None:
    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        c = await WireClient.open(gw.url, user="ann", password=PASSWORDS["ann"])  # and the admin token
        refused = await c.recv_one()
        await c.send(hello("ann", PASSWORDS["ann"]))  # the connection is still there for a good one
        welcome = await c.recv_one(15)
        await c.close()
        return refused, welcome

    refused, welcome = asyncio.run(scenario())
    assert refused["op"] == "error" and refused["code"] == "bad_frame"
    assert "not both" in refused["message"] and PASSWORDS["ann"] not in refused["message"]
    assert welcome["op"] == "welcome" and welcome["user"] == "ann"


def test_a_directory_that_is_down_is_named_not_a_bad_password(tmp_path: Path) -> None:
    binary = find_tool("slapd")
    if binary is None:
        pytest.skip("slapd (OpenLDAP) not found; install slapd and ldap-utils to run this test")
    own = Slapd(binary, PEOPLE_IN_TESTS)  # its own, stopped under the gateway
    try:
        own.start()
        config = make_config(tmp_path, directory=directory_config(tmp_path, own.url))
        with GatewayThread(config) as g:
            assert asyncio.run(welcome_of(g.url, "ann", PASSWORDS["ann"]))["role"] == "supervisor"
            own.stop()
            code = asyncio.run(close_code(g.url, hello("ann", PASSWORDS["ann"])))
            assert code == protocol.CLOSE_DIRECTORY_UNAVAILABLE
            own.start()  # back: the same name and password sign in again
            assert asyncio.run(welcome_of(g.url, "ann", PASSWORDS["ann"]))["role"] == "supervisor"
    finally:
        own.destroy()


def test_a_directory_that_never_answers_is_given_up_on_while_the_gateway_serves(tmp_path: Path) -> None:
    # A listening socket nobody reads: connections are accepted by the kernel and then nothing.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"ldap://127.0.0.1:{silent.getsockname()[1]}"
        config = make_config(tmp_path, directory=directory_config(tmp_path, url, timeout_s=1.0))
        with GatewayThread(config) as g:

            async def scenario() -> tuple[int | None, float, float]:
                t0 = time.monotonic()
                hung = asyncio.create_task(close_code(g.url, hello("ann", PASSWORDS["ann"])))
                await asyncio.sleep(0.2)  # the bind is under way (not a synchronisation: any order works)
                # Meanwhile the loop serves: a token user is welcomed at once.
                t1 = time.monotonic()
                c = await WireClient.open(g.url, Role.SUPERVISOR)
                await c.recv_one(5)
                token_s = time.monotonic() - t1
                await c.close()
                code = await hung
                return code, time.monotonic() - t0, token_s

            code, refused_after_s, token_s = asyncio.run(scenario())
    assert code == protocol.CLOSE_DIRECTORY_UNAVAILABLE
    assert refused_after_s < 5.0  # the deadline is 2 x timeout_s
    assert token_s < 2.0


def test_the_password_is_nowhere_in_logs_audit_or_database(
    tmp_path: Path, slapd_server: Slapd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, ldap3's included, at its most talkative
    secret = PASSWORDS["quinn"]
    db = tmp_path / "gateway.db"
    config = make_config(tmp_path, directory=directory_config(tmp_path, slapd_server.url))

    async def scenario(url: str) -> None:
        await welcome_of(url, "quinn", secret)
        assert await close_code(url, hello("ann", secret)) == protocol.CLOSE_BAD_TOKEN  # the wrong one
        assert await close_code(url, hello("zed", PASSWORDS["zed"])) == protocol.CLOSE_NO_ROLE
        c = await WireClient.open(url, token=None, user="quinn", password=secret)
        await c.ready()
        # A refused command (quality may not move calls) is audited with its arguments.
        await c.send({"op": "command", "id": "q1", "action": "call.move", "args": {"note": "x"}})
        while (await c.recv_one(15))["op"] != "ack":
            pass
        await c.close()
        c = await WireClient.open(url, token=None, user="quinn", password="", resume_from=None)
        await c.close()

    with GatewayThread(config) as g:
        asyncio.run(scenario(g.url))
        audit = g.call(lambda: g.gateway.store.audit(limit=100) if g.gateway.store else [])
    assert any(r.user == "quinn" and r.action == "call.move" for r in audit)
    assert all(secret not in repr(r) for r in audit)
    # The gateway's records (the raw test client's own websockets.client lines are not the gateway's).
    records = [r for r in caplog.records if r.name != "websockets.client"]
    assert any(r.name == "websockets.server" and "withheld" in r.getMessage() for r in records)
    everything = [r.getMessage() for r in records] + [repr(r.args) for r in records]
    assert any("quinn signed in by directory as quality" in m for m in everything)
    assert all(secret not in m and PASSWORDS["zed"] not in m for m in everything)
    for f in tmp_path.glob("gateway.db*"):  # the file, its WAL and shared memory
        data = f.read_bytes()
        assert secret.encode() not in data and PASSWORDS["zed"].encode() not in data, f.name
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        for table in tables:
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                assert secret not in repr(tuple(row)), table
    engine.dispose()


# -- the directory module on its own (no gateway) -----------------------------------------------


def test_search_mode_with_a_service_account(tmp_path: Path, slapd_server: Slapd) -> None:
    pw = tmp_path / "bind-password"
    pw.write_text(ROOT_PASSWORD + "\n", encoding="utf-8")
    pw.chmod(0o600)
    data = {
        "url": slapd_server.url,
        "user_base": PEOPLE,
        "bind_dn": ROOT_DN,
        "bind_password_file": str(pw),
        "group_base": GROUPS,
        "roles": {f"cn=console-quality,{GROUPS}": "quality", f"cn=console-viewers,{GROUPS}": "viewer"},
    }
    config = parse_directory_config(data)
    ok = check_password(config, "quinn", PASSWORDS["quinn"])
    assert (ok.outcome, ok.user, ok.role) == (Outcome.SIGNED_IN, "quinn", Role.QUALITY)
    assert check_password(config, "quinn", "nope").outcome is Outcome.BAD_CREDENTIALS
    assert check_password(config, "q*", PASSWORDS["quinn"]).outcome is Outcome.BAD_CREDENTIALS
    assert check_password(config, "ann", PASSWORDS["ann"]).outcome is Outcome.NO_ROLE
    pw.chmod(0o644)
    with pytest.raises(ValueError, match="may be read by other users"):
        parse_directory_config(data)


def _base() -> dict[str, Any]:
    return {
        "url": "ldap://127.0.0.1:1",
        "user_dn": "uid={user},ou=people,dc=bank,dc=test",
        "group_base": "ou=groups,dc=bank,dc=test",
        "roles": {"cn=a,ou=groups,dc=bank,dc=test": "viewer"},
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"url": "http://x"}, "url must be"),
        ({"roles": {}}, r"\[roles\] table is required"),
        ({"roles": {"cn=a": "adapter"}}, "adapters sign in with tokens"),
        ({"roles": {"cn=a": "boss"}}, "unknown role"),
        ({"user_dn": "ou=people"}, "must contain"),
        ({"user_base": "ou=people"}, "either user_dn"),
        ({"group_base": None}, "group_base is required"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"passwd": "x"}, "unknown keys passwd"),
    ],
)
def test_a_bad_directory_config_is_refused_saying_what(change: dict[str, Any], message: str) -> None:
    data = {k: v for k, v in {**_base(), **change}.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        parse_directory_config(data)


def test_the_roles_keep_the_order_written(tmp_path: Path) -> None:
    config = directory_config(tmp_path, "ldap://127.0.0.1:1")
    assert [r for _, r in config.roles] == [
        Role.ADMIN,
        Role.MANAGER,
        Role.QUALITY,
        Role.SUPERVISOR,
        Role.VIEWER,
    ]


def test_a_refused_hello_never_prints_the_password() -> None:
    h = protocol.Hello(protocol=1, user="ann", password="s3cret-pw")
    assert "s3cret-pw" not in repr(h) and "s3cret-pw" not in str(h)
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.decode_client_frame('{"op":"hello","protocol":1,"user":"ann","password":918273645}')
    assert "918273645" not in refused.value.message


def test_the_command_line_refuses_a_bad_directory_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "ldap.toml"
    bad.write_text('url = "ldap://127.0.0.1:1"\nuser_dn = "uid={user},dc=x"\ngroup_base = "dc=x"\n')
    assert cli.main(["--ldap-config", str(bad)]) == 2
    assert "a [roles] table is required" in capsys.readouterr().err
