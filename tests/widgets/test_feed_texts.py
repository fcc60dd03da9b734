"""What the feed client reports (no Qt there: console.domain.texts.Text) reaches the screen translated.

Each test runs the real feed client against a real socket, under the zh_CN translation and without
it, and reads the status bar, the STALE banner and the diagnostics dialog. A layout file the wall
display refuses is printed in the chosen language by the real ``main``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from websockets.asyncio.server import ServerConnection

from console.app import main as app_main
from console.application.live import LiveFeed
from console.widgets.common.diagnostics import DiagnosticsDialog
from console.widgets.common.language import install_language
from console.widgets.common.status_bar import FeedStatusBar, StaleBanner
from tests.helpers.network import FAST, free_port
from tests.helpers.scripted_server import ScriptedServer, snapshot, welcome


@contextmanager
def language(code: str) -> Iterator[None]:
    """``code``'s translators on the application for the block (widgets made inside take its words)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = install_language(app, code)
    try:
        yield
    finally:
        installed.remove()


@contextmanager
def live(url: str) -> Iterator[LiveFeed]:
    feed = LiveFeed(url, "t", backoff=FAST)
    try:
        yield feed
    finally:
        feed.stop()


#: (words of "connection refused", of "retrying in … s") in each language, and words that must not show.
REFUSED = {
    "en": ("connection refused", "retrying in", "连接"),
    "zh_CN": ("连接被拒绝", "秒后重连", "refused"),
}


@pytest.mark.parametrize("code", ["en", "zh_CN"])
def test_a_refused_connection_is_said_in_the_interface_language(qtbot: QtBot, code: str) -> None:
    url = f"ws://127.0.0.1:{free_port()}"  # nothing listens: the system refuses every attempt
    refused, retrying, foreign = REFUSED[code]
    with language(code), live(url) as feed:
        bar, banner, dialog = FeedStatusBar(feed), StaleBanner(feed), DiagnosticsDialog(feed)
        for widget in (bar, banner, dialog):
            qtbot.addWidget(widget)
        feed.start()
        qtbot.waitUntil(lambda: refused in bar.connection.text() and banner.stale, timeout=5_000)
        text = bar.connection.toolTip()
        assert url in text and retrying in text and foreign not in text
        assert refused in banner.detail.text() and foreign not in banner.detail.text()
        dialog.refresh()
        assert refused in dialog.values["last_error"].text()
        # The English stays beside it, for the log and whoever reads last_error.
        assert f"cannot reach {url}: connection refused; retrying in" in (feed.status.last_error or "")
        if code == "zh_CN":  # a Chinese sentence ends with a Chinese full stop
            assert banner.detail.text().startswith(f"无法连接 {url}：连接被拒绝；")
            assert "秒后重连。" in banner.detail.text()


@pytest.mark.parametrize(("code", "said"), [("en", "binary frame"), ("zh_CN", "二进制帧")])
def test_a_bad_frame_is_listed_in_the_diagnostics_in_the_interface_language(
    qtbot: QtBot, code: str, said: str
) -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome())
        await ws.send(snapshot(0))
        await ws.send(b"\x00\x01")  # the protocol sends text frames only

    with ScriptedServer(script) as server, language(code), live(server.url) as feed:
        dialog = DiagnosticsDialog(feed)
        qtbot.addWidget(dialog)
        feed.start()
        qtbot.waitUntil(lambda: feed.status.bad_frames == 1, timeout=5_000)
        dialog.refresh()
        assert dialog.errors_model.rowCount() == 1
        shown = dialog.errors_model.texts(0)[1]
        assert said in shown
        assert feed.status.recent_errors[0].message == "binary frame: the protocol sends text frames only"


BAD_LAYOUT = 'rotate_s = 20\n\n[[pages]]\ntiles = [\n  { kind = "summary" },\n  { kind = "foo" },\n]\n'


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("en", "unknown tile kind 'foo' (known: queue, summary, breaches, chart, staffing)"),
        ("zh_CN", "未知的图块类型 'foo'（可选：queue, summary, breaches, chart, staffing）"),
    ],
)
def test_a_refused_layout_file_is_printed_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str, reason: str
) -> None:
    layout = tmp_path / "layout.toml"
    layout.write_text(BAD_LAYOUT, encoding="utf-8")
    settings = tmp_path / "settings.ini"
    assert (
        app_main(["--wallboard", "--layout", str(layout), "--lang", code, "--settings", str(settings)]) == 2
    )
    err = capsys.readouterr().err
    # FILE:LINE: WHERE: REASON, the reason in the language.
    assert f"error: --layout: {layout}:6: pages[0].tiles[1]: {reason}\n" in err
    assert "Traceback" not in err


def test_a_layout_file_that_cannot_be_read_says_so_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.toml"
    assert app_main(["--wallboard", "--layout", str(missing), "--lang", "zh_CN"]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: 无法读取布局文件：" in err
