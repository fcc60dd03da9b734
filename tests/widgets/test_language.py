"""The interface language: ``--lang``, the View ▸ Language menu (remembered), the system's default.

The translations used here are the few the infrastructure carries itself: the View menu's
"&Language" (语言(&L)) and the languages' own names. Each console run goes through the real
``main`` up to the point where it would wait for the window to close.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu, QWidget
from pytestqt.qtbot import QtBot

import console.app
from console.app import main as app_main
from console.application.floor_source import FloorSource
from console.application.live import LiveFeed
from console.widgets.common.language import (
    LANGUAGE_KEY,
    choose_language,
    current_language,
    install_language,
    language_of,
    store_language,
    stored_language,
)
from console.widgets.main_window import MainWindow, open_settings
from console.widgets.wallboard.window import WallboardWindow

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_MENU = {"en": "&Language", "zh_CN": "语言(&L)"}
#: Nothing listens there: the console keeps trying while the test looks at its window.
NOWHERE = ["--feed", "ws://127.0.0.1:9", "--token", "t"]


def _menu_titles(window: QWidget) -> set[str]:
    return {m.title() for m in window.findChildren(QMenu)}


def _run_console(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> dict[str, Any]:
    """``main(args)`` with ``--screenshot`` (so no layout is saved); what it showed, instead of waiting."""
    seen: dict[str, Any] = {}

    def look(app: QApplication, window: QWidget, feed: LiveFeed, *_: object) -> int:
        seen["language"] = current_language()
        seen["locale"] = QLocale().name()
        seen["language menu"] = QCoreApplication.translate("MainWindow", "&Language")
        seen["window"] = type(window)
        seen["menus"] = _menu_titles(window)
        if isinstance(window, MainWindow):
            seen["checked"] = [c for c, a in window.language_actions.items() if a.isChecked()]
        feed.stop()
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(console.app, "_serve", look)
    argv = [*NOWHERE, "--screenshot", str(tmp_path / "unused.png"), *args]
    assert app_main(argv) == 0
    # The run's language is taken off again: the next console (test) starts from scratch.
    assert current_language() == "en"
    assert QCoreApplication.translate("MainWindow", "&Language") == "&Language"
    return seen


def test_lang_zh_cn_translates_the_console_from_its_first_widget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    locale_before = QLocale().name()
    seen = _run_console(monkeypatch, tmp_path, "--lang", "zh_CN", "--settings", str(tmp_path / "s.ini"))
    assert seen["window"] is MainWindow
    assert seen["language"] == "zh_CN" and seen["language menu"] == LANGUAGE_MENU["zh_CN"]
    assert LANGUAGE_MENU["zh_CN"] in seen["menus"]  # built after the translator went in
    assert seen["checked"] == ["zh_CN"]
    assert seen["locale"] == "zh_CN"  # Qt formats numbers and dates the Chinese way meanwhile
    assert QLocale().name() == locale_before


def test_lang_en_shows_the_source_texts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = _run_console(monkeypatch, tmp_path, "--lang", "en", "--settings", str(tmp_path / "s.ini"))
    assert seen["language"] == "en" and LANGUAGE_MENU["en"] in seen["menus"]
    assert seen["checked"] == ["en"]
    assert QLocale(seen["locale"]).language() == QLocale.Language.English


def test_the_wall_display_speaks_the_language_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = _run_console(
        monkeypatch, tmp_path, "--wallboard", "--lang", "zh_CN", "--settings", str(tmp_path / "s.ini")
    )
    assert seen["window"] is WallboardWindow
    assert seen["language"] == "zh_CN" and seen["language menu"] == LANGUAGE_MENU["zh_CN"]
    assert seen["locale"] == "zh_CN"


def test_the_remembered_choice_applies_and_an_explicit_lang_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = tmp_path / "s.ini"
    store_language(open_settings(settings), "zh_CN")
    remembered = _run_console(monkeypatch, tmp_path, "--settings", str(settings))
    assert remembered["language"] == "zh_CN" and LANGUAGE_MENU["zh_CN"] in remembered["menus"]
    explicit = _run_console(monkeypatch, tmp_path, "--settings", str(settings), "--lang", "en")
    assert explicit["language"] == "en" and LANGUAGE_MENU["en"] in explicit["menus"]
    assert stored_language(open_settings(settings)) == "zh_CN"  # --lang is for this run only


@pytest.mark.parametrize("lang", ["fr", "zh", "ZH_CN", ""])
def test_an_unknown_lang_is_refused_with_the_choices(
    lang: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSOLE_TOKEN", raising=False)
    assert app_main(["--lang", lang]) == 2
    err = capsys.readouterr().err
    assert f"--lang {lang!r}: not a language of the console" in err
    assert "en (English) and zh_CN (简体中文)" in err and "Traceback" not in err


# -- the menu ----------------------------------------------------------------------------------------


def test_the_language_menu_remembers_the_choice_for_the_next_start(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "m.ini"
    window = MainWindow(FloorSource(), settings_path=settings, save_on_close=False)
    qtbot.addWidget(window)
    actions = window.language_actions
    assert {c: a.text() for c, a in actions.items()} == {"en": "English", "zh_CN": "简体中文"}
    assert all(a.isCheckable() for a in actions.values()) and actions["en"].isChecked()
    menu = next(m for m in window.findChildren(QMenu) if m.title() == "&Language")
    assert menu.actions() == [actions["en"], actions["zh_CN"]]

    actions["zh_CN"].trigger()
    assert actions["zh_CN"].isChecked() and not actions["en"].isChecked()
    assert window.messages.last == "Language set to 简体中文; it applies when the console is restarted"
    # Written at once (not only with the layout on close), where the next start reads it.
    assert QSettings(str(settings), QSettings.Format.IniFormat).value(LANGUAGE_KEY) == "zh_CN"
    assert choose_language(None, open_settings(settings), QLocale("en_US")) == "zh_CN"
    assert LANGUAGE_MENU["en"] in _menu_titles(window), "no live re-translation"

    actions["en"].trigger()  # back to the language in use: nothing to restart for
    assert window.messages.last == "Language set to English"
    assert stored_language(open_settings(settings)) == "en"


def test_the_menu_shows_the_language_in_use(qtbot: QtBot, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = install_language(app, "zh_CN")
    try:
        window = MainWindow(FloorSource(), settings_path=tmp_path / "u.ini", save_on_close=False)
        qtbot.addWidget(window)
        assert window.language_actions["zh_CN"].isChecked()
        assert LANGUAGE_MENU["zh_CN"] in _menu_titles(window)
        # Each language's name in its own language, whatever the interface's.
        assert [a.text() for a in window.language_actions.values()] == ["English", "简体中文"]
        # Qt's own translation: standard buttons of dialogs.
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert buttons.buttons()[0].text() == "取消"
    finally:
        installed.remove()
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert buttons.buttons()[0].text() == "Cancel"


# -- the default: the system locale ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("zh_CN", "zh_CN"),
        ("zh_TW", "zh_CN"),
        ("zh_SG", "zh_CN"),
        ("en_GB", "en"),
        ("de_DE", "en"),
        ("C", "en"),
    ],
)
def test_without_a_choice_the_system_locale_decides(locale: str, language: str, tmp_path: Path) -> None:
    assert language_of(QLocale(locale)) == language
    assert choose_language(None, open_settings(tmp_path / "none.ini"), QLocale(locale)) == language


def test_a_stored_value_the_console_does_not_speak_is_ignored(tmp_path: Path) -> None:
    settings = open_settings(tmp_path / "odd.ini")
    settings.setValue(LANGUAGE_KEY, "fr")
    assert stored_language(settings) is None
    assert choose_language(None, settings, QLocale("zh_CN")) == "zh_CN"


@pytest.mark.parametrize(("env", "language"), [("zh_CN.UTF-8", "zh_CN"), ("de_DE.UTF-8", "en")])
def test_the_default_follows_the_real_system_locale(env: str, language: str, tmp_path: Path) -> None:
    """QLocale.system() read from the environment, as on a user's desktop."""
    code = (
        "import sys; from PySide6.QtCore import QLocale; "
        "from console.widgets.common.language import choose_language; "
        "from console.widgets.main_window import open_settings; "
        "print(QLocale.system().name(), choose_language(None, open_settings(sys.argv[1])))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    environ["LC_ALL"] = env
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "fresh.ini")],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [env.split(".", maxsplit=1)[0], language]
