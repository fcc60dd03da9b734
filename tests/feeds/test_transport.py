"""Transport: TLS (wss://), certificate checks in the feed client and the adapters, the Origin allow-list.

The rules headless (``console.feeds.transport``, ``console.feeds.gateway.transport``), then a
real gateway on 127.0.0.1 serving wss:// with a certificate a private CA made by the test signs:
the console's feed client and an adapter link with ``--ca`` connect, without it they are
refused with the verification error and do not retry hot; plain ws:// to another machine is
refused before any connection; browser handshakes with an Origin not listed get HTTP 403.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
import subprocess
import time
from pathlib import Path

import msgspec
import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import InvalidStatus
from websockets.http11 import Request

from console.domain.entities import Agent, AgentState, Centre
from console.domain.events import AgentAdded, AgentStateChanged, CentreConfigured, EventData
from console.domain.permissions import Role
from console.feeds.adapters.ami import cli as ami_cli
from console.feeds.adapters.link import AdapterLink, AdapterLinkError
from console.feeds.adapters.replay import cli as replay_cli
from console.feeds.client.feed_client import Backoff, ConnState, FeedClient
from console.feeds.gateway import cli
from console.feeds.gateway.server import Gateway
from console.feeds.gateway.transport import (
    OriginPolicy,
    check_key_file,
    check_origin_option,
    normalize_origin,
    plain_text_warning,
    server_tls_context,
)
from console.feeds.transport import client_tls_context, is_loopback_host, plain_text_refusal
from tests.feeds.test_gateway_process import ROOT, gateway_cmd
from tests.helpers.gateway import GatewayThread, make_config, token
from tests.helpers.tls import Certificates, private_ca

#: Addresses that route nowhere (TEST-NET-1, RFC 5737): a connection attempt there would hang.
NOWHERE = "ws://192.0.2.1:8765"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return private_ca(tmp_path_factory.mktemp("tls"))


def tls_config(tmp_path: Path, certs: Certificates, **kw: object) -> object:
    return make_config(tmp_path, tls_cert=certs.cert, tls_key=certs.key, **kw)


# -- the rules, headless ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("gw.localhost", True),
        ("10.0.0.5", False),
        ("192.0.2.1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("gateway.bank.example", False),
        ("localhost.bank.example", False),
        ("128.0.0.1", False),
    ],
)
def test_loopback_is_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_plain_text_is_refused_beyond_this_machine_unless_insecure() -> None:
    for url in ("ws://127.0.0.1:8765", "ws://localhost:1", "ws://[::1]:8765", "wss://10.0.0.5:8765"):
        assert plain_text_refusal(url, insecure=False) is None, url
    refusal = plain_text_refusal("ws://10.0.0.5:8765", insecure=False)
    assert refusal is not None
    assert "ws://10.0.0.5:8765 is not encrypted" in str(refusal)
    assert "10.0.0.5 is another machine" in str(refusal) and "--insecure" in str(refusal)
    assert refusal.context == "Transport"
    assert plain_text_refusal("ws://10.0.0.5:8765", insecure=True) is None
    assert client_tls_context("ws://10.0.0.5:1") is None
    context = client_tls_context("wss://10.0.0.5:1")
    assert context is not None and context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_origins_are_compared_as_browsers_send_them() -> None:
    assert normalize_origin("HTTPS://Wall.Bank.Example:443/") == "https://wall.bank.example"
    assert normalize_origin("http://wall.bank.example:8080") == "http://wall.bank.example:8080"
    policy = OriginPolicy.of(["https://wall.bank.example/"])
    assert policy.admits(None)  # not a browser: the console, an adapter
    assert policy.admits("https://wall.bank.example")
    assert not policy.admits("http://wall.bank.example")  # another scheme is another origin
    assert not policy.admits("https://wall.bank.example.evil.example")
    assert not policy.admits("null")  # a sandboxed page or a file
    assert not OriginPolicy().admits("http://evil.example")
    assert check_origin_option("https://wall.bank.example") == "https://wall.bank.example"
    for bad in ("wall.bank.example", "https://wall.bank.example/board", "https://x:99999"):
        with pytest.raises(ValueError, match="--allow-origin"):
            check_origin_option(bad)


def test_a_key_file_others_can_read_is_refused(certs: Certificates, tmp_path: Path) -> None:
    check_key_file(certs.key)  # 0600
    shared = tmp_path / "shared-key.pem"
    shared.write_bytes(certs.key.read_bytes())
    for mode in (0o644, 0o640, 0o604):
        shared.chmod(mode)
        with pytest.raises(ValueError, match=f"mode {mode:03o}.*chmod 600"):
            server_tls_context(certs.cert, shared)
    with pytest.raises(ValueError, match="not a certificate"):
        server_tls_context(certs.ca.parent / "server.ext", certs.key)
    context = server_tls_context(certs.cert, certs.key)
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_plain_text_beyond_this_machine_is_warned_about() -> None:
    assert plain_text_warning("127.0.0.1") is None
    assert plain_text_warning("localhost") is None
    warning = plain_text_warning("0.0.0.0")
    assert warning is not None and "plain text" in warning and "--tls-cert" in warning


# -- a real gateway serving wss:// -----------------------------------------------------------


def wait_for(predicate: object, timeout: float, what: str) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_the_feed_client_with_the_ca_gets_the_floor_over_wss(certs: Certificates, tmp_path: Path) -> None:
    with GatewayThread(tls_config(tmp_path, certs)) as gw:  # type: ignore[arg-type]
        assert gw.url.startswith("wss://127.0.0.1:")
        client = FeedClient(gw.url, token(Role.SUPERVISOR), ca=str(certs.ca))
        client.start()
        try:
            wait_for(lambda: client.status().snapshots > 0, 30, "a snapshot over wss")
            status = client.status()
            assert status.state is ConnState.CONNECTED and status.role == "supervisor"
            assert status.seq is not None and status.seq > 0
        finally:
            assert client.stop(10)


def test_without_the_ca_the_certificate_is_refused_by_name_and_not_retried_hot(
    certs: Certificates, tmp_path: Path
) -> None:
    with GatewayThread(tls_config(tmp_path, certs)) as gw:  # type: ignore[arg-type]
        # The default backoff: a refusal waits 5 s before trying again.
        client = FeedClient(gw.url, token(Role.SUPERVISOR), backoff=Backoff())
        client.start()
        try:
            wait_for(lambda: client.status().last_failure is not None, 30, "the refusal")
            failed_at = time.monotonic()
            status = client.status()
            assert status.state is not ConnState.CONNECTED and status.snapshots == 0
            assert status.last_failure is not None
            message = status.last_failure.message
            assert message.startswith("the certificate of 127.0.0.1 could not be verified: ")
            assert "self-signed certificate in certificate chain" in message or "unable to get" in message
            assert "--ca" in message
            assert status.last_error is not None and status.last_error.startswith(message)
            assert "retrying in 4" in status.last_error or "retrying in 5" in status.last_error
            # Not hot: one attempt, then a wait of seconds.
            time.sleep(1.0)
            assert client.status().attempts == 1, client.status()
            assert time.monotonic() - failed_at < 4
        finally:
            assert client.stop(10)


def test_plain_text_to_another_machine_is_refused_before_any_connection() -> None:
    client = FeedClient(NOWHERE, "t", connect_timeout_s=30)
    t0 = time.monotonic()
    client.start()
    try:
        wait_for(lambda: client.status().last_error is not None, 5, "the refusal")
        took = time.monotonic() - t0
        status = client.status()
        assert took < 2, f"{took:.2f} s: a connection was attempted"
        assert status.state is ConnState.DISCONNECTED and status.attempts == 0
        assert status.last_error is not None and "is not encrypted (ws://)" in status.last_error
        assert "192.0.2.1 is another machine" in status.last_error and "--insecure" in status.last_error
        assert status.last_failure is not None and status.last_failure.message == status.last_error
        assert client._thread is not None
        client._thread.join(5)
        assert not client._thread.is_alive(), "the client gave up: nothing will change by retrying"
        assert client.status().last_error == status.last_error  # the refusal stays what is shown
    finally:
        assert client.stop(5)


def test_insecure_lets_plain_text_to_another_machine_be_tried() -> None:
    client = FeedClient(NOWHERE, "t", connect_timeout_s=0.3, insecure=True, backoff=Backoff(initial_s=5))
    client.start()
    try:
        wait_for(lambda: client.status().last_failure is not None, 10, "an attempt")
        status = client.status()
        assert status.attempts >= 1
        assert status.last_failure is not None and "not encrypted" not in status.last_failure.message
    finally:
        assert client.stop(5)


def centre() -> list[tuple[int, EventData]]:
    t = 917_845_200_000
    return [
        (t, CentreConfigured(centre=Centre(name="Bank", timezone="Asia/Shanghai"))),
        (t, AgentAdded(agent=Agent(id="LI", name="Li", team="Bank", skills=[]))),
        (t, AgentStateChanged(agent_id="LI", state=AgentState.AVAILABLE)),
    ]


def test_an_adapter_link_publishes_over_wss_with_the_ca(certs: Certificates, tmp_path: Path) -> None:
    with GatewayThread(tls_config(tmp_path, certs, source="adapters")) as gw:  # type: ignore[arg-type]

        async def scenario() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER), ca=certs.ca)
            try:
                assert await asyncio.wait_for(link.start(), 30) == 0
                for pos, (at, data) in enumerate(centre(), start=1):
                    link.publish(pos, at, data)
                await asyncio.wait_for(link.flush(), 30)
                assert link.accepted == 3 and link.position == 3 and link.last_error is None
            finally:
                await link.close()

        asyncio.run(scenario())
        assert gw.call(lambda: "LI" in gw.gateway.state.agents)


def test_an_adapter_link_without_the_ca_says_why_and_waits(certs: Certificates, tmp_path: Path) -> None:
    with GatewayThread(tls_config(tmp_path, certs, source="adapters")) as gw:  # type: ignore[arg-type]

        async def scenario() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER), retry_s=(0.05, 0.1))
            start = asyncio.create_task(link.start())
            try:
                for _ in range(1500):  # 30 s at most
                    if link.last_error is not None:
                        break
                    await asyncio.sleep(0.02)
                assert link.last_error is not None
                assert link.last_error.startswith("the certificate of 127.0.0.1 could not be verified")
                await asyncio.sleep(0.5)
                # Not hot even with a quick retry_s: an untrusted certificate waits a minute.
                assert link.status == "waiting 60.0 s to reconnect" and link.connects == 0
                assert not start.done()
            finally:
                start.cancel()
                await link.close()

        asyncio.run(scenario())


def test_an_adapter_link_refuses_plain_text_to_another_machine() -> None:
    async def scenario() -> None:
        link = AdapterLink(NOWHERE, "t", open_timeout_s=30)
        t0 = time.monotonic()
        with pytest.raises(AdapterLinkError, match=r"192\.0\.2\.1 is another machine.*--insecure"):
            await link.start()
        assert time.monotonic() - t0 < 2
        await link.close()

    asyncio.run(scenario())


def test_the_adapters_command_lines_refuse_plain_text_to_another_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "calls.csv"
    log.write_text("")
    monkeypatch.setenv("CONSOLE_ADAPTER_TOKEN", "t")
    argv = [str(log), "--gateway", NOWHERE, "--format", "anonymous-bank"]
    assert replay_cli.main(argv) == 2
    assert "--gateway ws://192.0.2.1:8765 is not encrypted" in capsys.readouterr().err
    assert replay_cli.main([*argv, "--ca", str(tmp_path / "missing.pem")]) == 2
    assert f"--ca {tmp_path / 'missing.pem'}: no such file" in capsys.readouterr().err
    secret = tmp_path / "ami-secret"
    secret.write_text("s")
    secret.chmod(0o600)
    ami = [
        "--gateway",
        NOWHERE,
        "--ami",
        "127.0.0.1:5038",
        "--ami-user",
        "u",
        "--ami-secret-file",
        str(secret),
    ]
    assert ami_cli.main(ami) == 2
    assert "is not encrypted" in capsys.readouterr().err


# -- the Origin allow-list ---------------------------------------------------------------------


async def welcome_of(url: str, origin: str | None, context: ssl.SSLContext | None = None) -> str:
    """Open a websocket (with ``origin`` as a browser would), say hello, return the first frame's op."""
    kw: dict[str, object] = {} if origin is None else {"origin": origin}
    async with connect(url, ssl=context, **kw) as ws:  # type: ignore[arg-type]
        hello = {"op": "hello", "protocol": 1, "token": token(Role.VIEWER)}
        await ws.send(msgspec.json.encode(hello).decode())
        frame = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 20))
        return str(frame["op"])


def test_a_browser_origin_is_refused_unless_listed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = make_config(tmp_path, allow_origins=["https://wall.bank.example"])
    with GatewayThread(config) as gw, caplog.at_level(logging.WARNING, logger="console.gateway"):

        async def scenario() -> None:
            with pytest.raises(InvalidStatus) as refused:
                await welcome_of(gw.url, "http://evil.example")
            assert refused.value.response.status_code == 403
            assert await welcome_of(gw.url, "https://wall.bank.example") == "welcome"
            assert await welcome_of(gw.url, None) == "welcome"

        asyncio.run(scenario())
        assert gw.call(lambda: gw.gateway.refused_origins) == 1
    lines = [r.getMessage() for r in caplog.records if "Origin" in r.getMessage()]
    assert len(lines) == 1, lines
    assert "refused a websocket handshake from 127.0.0.1 with Origin 'http://evil.example'" in lines[0]


def test_consoles_and_adapters_send_no_origin(tmp_path: Path) -> None:
    """The websockets client the feed client and the link use sends no Origin header by default."""
    seen: list[list[str]] = []

    def record(connection: ServerConnection, request: Request) -> None:
        seen.append(request.headers.get_all("Origin"))

    async def scenario() -> None:
        async with serve(lambda ws: ws.close(), "127.0.0.1", 0, process_request=record) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}"):
                pass

    asyncio.run(scenario())
    assert seen == [[]]
    # And a gateway with no origin listed serves the real feed client.
    with GatewayThread(make_config(tmp_path)) as gw:
        client = FeedClient(gw.url, token(Role.VIEWER))
        client.start()
        try:
            wait_for(lambda: client.status().snapshots > 0, 30, "a snapshot")
        finally:
            assert client.stop(10)
        assert gw.call(lambda: gw.gateway.refused_origins) == 0


def test_origins_over_wss_too(certs: Certificates, tmp_path: Path) -> None:
    with GatewayThread(tls_config(tmp_path, certs)) as gw:  # type: ignore[arg-type]
        context = client_tls_context(gw.url, certs.ca)

        async def scenario() -> None:
            with pytest.raises(InvalidStatus) as refused:
                await welcome_of(gw.url, "https://evil.example", context)
            assert refused.value.response.status_code == 403
            assert await welcome_of(gw.url, None, context) == "welcome"

        asyncio.run(scenario())


# -- the gateway's command line ----------------------------------------------------------------


def test_the_gateway_refuses_a_key_others_can_read(
    certs: Certificates, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "key.pem"
    shared.write_bytes(certs.key.read_bytes())
    shared.chmod(0o644)
    db = f"sqlite:///{tmp_path / 'g.db'}"
    argv = ["--port", "0", "--db", db, "--tls-cert", str(certs.cert), "--tls-key", str(shared)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"--tls-key {shared}: may be read by other users (mode 644)" in err
    assert not (tmp_path / "g.db").exists(), "refused before anything started"
    assert cli.main(["--port", "0", "--db", db, "--tls-cert", str(certs.cert)]) == 2
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
    assert cli.main(["--port", "0", "--db", db, "--allow-origin", "evil.example"]) == 2
    assert "--allow-origin 'evil.example'" in capsys.readouterr().err


def test_the_gateway_process_says_listening_wss(certs: Certificates, tmp_path: Path) -> None:
    cmd = gateway_cmd(tmp_path / "g.db", "--tls-cert", str(certs.cert), "--tls-key", str(certs.key))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening wss://127.0.0.1:"), proc.stderr.read() if proc.stderr else ""
        url = line.split()[1]

        async def scenario() -> str:
            return await welcome_of(url, None, client_tls_context(url, certs.ca))

        assert asyncio.run(scenario()) == "welcome"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    assert proc.returncode == 0


def test_a_gateway_without_tls_beyond_loopback_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="console.gateway"):
        gw = GatewayThread(make_config(tmp_path, host="0.0.0.0"))
        with gw:
            assert isinstance(gw.gateway, Gateway) and gw.url.startswith("ws://0.0.0.0:")
    warnings = [r.getMessage() for r in caplog.records if "plain text" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith("--host 0.0.0.0 without --tls-cert")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="console.gateway"), GatewayThread(make_config(tmp_path)):
        pass
    assert not [r for r in caplog.records if "plain text" in r.getMessage()]
