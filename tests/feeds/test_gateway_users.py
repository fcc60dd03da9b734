"""Users and secrets against a real gateway: the users command, user files, the environment, revocation."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from console.domain.permissions import Role
from console.feeds.gateway import cli
from console.feeds.gateway.config import UserSpec
from console.feeds.gateway.users import USERS_ENV, read_user_file, token_warnings, users_from_env
from tests.helpers.gateway import GatewayThread, WireClient, close_code, make_config
from tests.helpers.network import FAST

ROOT = Path(__file__).resolve().parents[2]


def users_cmd(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["users", *args])
    out, err = capsys.readouterr()
    return code, out, err


async def signed_in(url: str, token: str) -> WireClient:
    c = await WireClient.open(url, token=token)
    await c.until(lambda cl: cl.welcome is not None, 20, "welcome")
    return c


async def closed_within(c: WireClient, seconds: float) -> tuple[int | None, float]:
    """Read until the gateway closes the connection; (close code, seconds it took)."""
    t0 = time.monotonic()
    try:
        while True:
            await asyncio.wait_for(c.ws.recv(), max(0.01, seconds - (time.monotonic() - t0)))
    except ConnectionClosed:
        return c.ws.close_code, time.monotonic() - t0


def test_users_add_list_rotate_revoke_while_the_gateway_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_config(tmp_path, speed=5.0)
    db = ["--db", str(config.db_url)]
    with GatewayThread(config) as gw:

        async def scenario() -> dict[str, float]:
            code, out, err = await asyncio.to_thread(
                users_cmd, capsys, "add", "ann", "--role", "supervisor", *db
            )
            assert code == 0, err
            first = out.strip()
            assert len(first) >= 43 and first not in err  # 256 bits, printed once, on stdout alone
            code, _, err = await asyncio.to_thread(users_cmd, capsys, "add", "ann", "--role", "viewer", *db)
            assert code == 1 and "already exists" in err

            ann = await signed_in(gw.url, first)
            assert ann.welcome is not None and ann.welcome["user"] == "ann"
            assert ann.welcome["role"] == "supervisor"
            bystander = await signed_in(gw.url, "viewer-token")

            code, out, _ = await asyncio.to_thread(users_cmd, capsys, "list", *db)
            assert code == 0
            line = next(x for x in out.splitlines() if x.startswith("ann "))
            assert "supervisor" in line and "active" in line
            assert line.split()[3] != "-"  # last used: just now
            assert first not in out

            code, out, _ = await asyncio.to_thread(users_cmd, capsys, "rotate", "ann", *db)
            second = out.strip()
            assert code == 0 and len(second) >= 43 and second != first
            rotated_code, rotated_s = await closed_within(ann, 8)
            assert rotated_code == 4401
            assert await close_code(gw.url, {"op": "hello", "protocol": 1, "token": first}) == 4401

            ann = await signed_in(gw.url, second)
            code, _, err = await asyncio.to_thread(users_cmd, capsys, "revoke", "ann", *db)
            assert code == 0, err
            revoked_code, revoked_s = await closed_within(ann, 8)
            assert revoked_code == 4401
            assert await close_code(gw.url, {"op": "hello", "protocol": 1, "token": second}) == 4401
            code, _, err = await asyncio.to_thread(users_cmd, capsys, "revoke", "ann", *db)
            assert code == 1 and "already revoked" in err

            code, out, _ = await asyncio.to_thread(users_cmd, capsys, "list", *db)
            assert "revoked" in next(x for x in out.splitlines() if x.startswith("ann "))

            # Someone else's connection was never touched.
            await bystander.recv_one(10)
            assert bystander.ws.close_code is None
            await bystander.close()

            # Rotating reinstates a revoked user.
            code, out, _ = await asyncio.to_thread(users_cmd, capsys, "rotate", "ann", *db)
            again = await signed_in(gw.url, out.strip())
            await again.close()
            return {"rotated_s": rotated_s, "revoked_s": revoked_s}

        times = asyncio.run(scenario())
        assert gw.call(lambda: gw.gateway.user_watch.signed_out if gw.gateway.user_watch else 0) == 2
    print(f"closed after rotate {times['rotated_s']:.2f} s, after revoke {times['revoked_s']:.2f} s")


def test_a_gateway_with_users_in_its_database_prints_no_admin_token(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, users=[])) as gw:
        assert gw.gateway.admin_token is not None and len(gw.gateway.admin_token) >= 43
    with GatewayThread(make_config(tmp_path, users=[])) as gw:
        assert gw.gateway.admin_token is None


def test_user_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text(
        "# the floor\nann:supervisor:ann-token-0123456789\n\nwall:viewer:wall-token-0123456789\n"
    )
    users.chmod(0o644)
    out = subprocess.run(  # noqa: PLW1510 - the return code is asserted
        [
            sys.executable,
            "-m",
            "console.feeds.gateway",
            "--db",
            f"sqlite:///{tmp_path}/x.db",
            "--user-file",
            str(users),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "may be read by other users (mode 644)" in out.stderr and f"chmod 600 {users}" in out.stderr
    users.chmod(0o600)
    assert read_user_file(users) == [
        UserSpec("ann", Role.SUPERVISOR, "ann-token-0123456789"),
        UserSpec("wall", Role.VIEWER, "wall-token-0123456789"),
    ]
    users.write_text("ann:supervisor:ok-token-0123456789\nbob:boss:x\n")
    with pytest.raises(ValueError, match=r"line 2: bob: unknown role 'boss'"):
        read_user_file(users)


def test_users_from_a_file_and_the_environment_sign_in_and_no_token_is_in_ps(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("ann:supervisor:ann-token-0123456789\n")
    users.chmod(0o600)
    env = {**os.environ, USERS_ENV: "# wall displays\nwall:viewer:wall-token-0123456789\n"}
    cmd = [
        sys.executable, "-m", "console.feeds.gateway", "--port", "0", "--db", f"sqlite:///{tmp_path}/g.db",
        "--speed", "5", "--user-file", str(users),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening ws://"), proc.stderr.read() if proc.stderr else ""
        url = line.split()[1]

        async def scenario() -> None:
            for token, name in [("ann-token-0123456789", "ann"), ("wall-token-0123456789", "wall")]:
                c = await signed_in(url, token)
                assert c.welcome is not None and c.welcome["user"] == name
                await c.close()

        asyncio.run(scenario())
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert b"token" not in cmdline
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "admin token" not in err and "warning" not in err.lower()  # no token on the command line


def test_users_from_the_environment_parse_like_user_files() -> None:
    env = {USERS_ENV: "ann:supervisor:a:b:c-0123456789\n  # off\nbot:adapter:bot-token-0123456789"}
    assert users_from_env(env) == [
        UserSpec("ann", Role.SUPERVISOR, "a:b:c-0123456789"),
        UserSpec("bot", Role.ADAPTER, "bot-token-0123456789"),
    ]
    assert users_from_env({}) == []


def test_tokens_on_the_command_line_are_warned_about_louder_when_short(tmp_path: Path) -> None:
    said = token_warnings(
        [UserSpec("ann", Role.ADMIN, "adm1n"), UserSpec("bob", Role.VIEWER, "x" * 43)],
        [UserSpec("wall", Role.VIEWER, "v1ew")],
    )
    assert [s.split(":")[0] for s in said] == ["warning", "warning", "WARNING", "WARNING"]
    assert "--user ann" in said[0] and "ps" in said[0]
    assert "user ann: a token of 5 characters" in said[2] and "user wall: a token of 4" in said[3]
    out = subprocess.run(  # noqa: PLW1510 - the return code is asserted
        [sys.executable, "-m", "console.feeds.gateway", "--db", f"sqlite:///{tmp_path}/x.db",
         "--user", "ann:admin:adm1n", "--source", "adapters", "--load", "100"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2  # a bad combination stops it before it serves, after the warnings
    assert "warning: --user ann: the token is on the command line" in out.stderr
    assert "WARNING: user ann: a token of 5 characters can be guessed" in out.stderr


def test_a_console_feed_signed_out_by_revocation_stops_and_does_not_retry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.feeds.client.feed_client import ConnState, FeedClient  # noqa: PLC0415 - this test only

    config = make_config(tmp_path, speed=5.0)
    with GatewayThread(config) as gw:
        code, out, _ = users_cmd(capsys, "add", "wall2", "--role", "viewer", "--db", str(config.db_url))
        assert code == 0
        ready = threading.Event()
        client = FeedClient(gw.url, out.strip(), on_ready=ready.set, backoff=FAST)
        client.start()
        try:
            assert ready.wait(20)
            deadline = time.monotonic() + 20
            while client.status().snapshots == 0 and time.monotonic() < deadline:
                client.drain()
                time.sleep(0.02)  # polling the client's status, as the GUI's timer does
            assert client.status().snapshots == 1
            assert users_cmd(capsys, "revoke", "wall2", "--db", str(config.db_url))[0] == 0
            deadline = time.monotonic() + 8
            while not client.status().token_refused and time.monotonic() < deadline:
                client.drain()
                time.sleep(0.02)
            status = client.status()
            assert status.token_refused and status.state is ConnState.DISCONNECTED
            assert status.last_error == f"the gateway at {gw.url} refused the token (4401)"
        finally:
            assert client.stop(10)
