"""The console's entry point: ``python main.py`` / ``supervisor-console``.

Without ``--feed`` it starts an embedded gateway on the built-in simulated bank centre
(10x speed, so a newcomer sees activity at once) on 127.0.0.1 with a one-time admin
token and a throw-away SQLite database, and connects to it like to any other gateway.
With ``--feed wss://HOST:PORT --token T`` it connects to a running gateway, verifying its
certificate (``--ca FILE`` for a private CA); plain ``ws://`` only to this computer unless
``--insecure`` (``console.feeds.transport``). The token comes from
``--token-file FILE`` (only its owner may read it) or ``CONSOLE_TOKEN`` (``--token T``
works too, with a warning: it shows in ``ps``); without one, or when the gateway
refuses it, the window's sign-in dialog asks for one. ``--screenshot FILE --after SECONDS`` saves a PNG
of the window and exits (rendered offscreen unless ``QT_QPA_PLATFORM`` says otherwise,
so it needs no display). ``--wallboard`` shows the wall display instead (full screen on
``--screen N``, pages from ``--layout FILE``; see docs/wallboard.md). ``--lang
en|zh_CN`` picks the interface language (default: as last chosen in View ▸ Language,
else the system's); the translators go on the application before any widget is made.

Before Qt starts, ``console.application.display`` checks that a window can be shown
here (a display, the libraries of Qt's platform plugin): Qt itself would abort the
process with a less helpful message. ``--install-desktop`` puts the desktop entry and
icon in the user's application menu; ``--version`` prints the version.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from console import __version__
from console.application import desktop_entry, display
from console.application.credentials import console_token
from console.application.embedded import EmbeddedGateway
from console.application.live import LiveFeed
from console.application.wallboard_layout import LayoutError, load_layout
from console.domain.clock import check_start
from console.domain.wallboard import Layout, default_layout
from console.feeds.sources.simulator.scenario import ScenarioError
from console.feeds.transport import check_ca_file, plain_text_refusal
from console.input_files import InputFileError, check_settings_file
from console.widgets.common.language import (
    LANGUAGES,
    check_language,
    choose_language,
    install_language,
    lookup_in,
)
from console.widgets.common.texts import translated
from console.widgets.common.theme import DEFAULT_THEME, apply_theme
from console.widgets.floor.thresholds_dialog import load_alert_settings
from console.widgets.main_window import APP_TITLE, ORGANIZATION, MainWindow, open_settings
from console.widgets.wallboard.window import WallboardWindow

log = logging.getLogger("console.app")

DEFAULT_SPEED = 10.0
SCREENSHOT_SIZE = (1600, 1000)
WALLBOARD_SCREENSHOT_SIZE = (1920, 1080)
WALLBOARD_THEME = "dark"  # screens on all day: dark unless --theme or the layout says otherwise


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Options that configure the embedded gateway: they mean nothing with --feed.
EMBEDDED_ONLY = ("scenario", "seed", "speed", "start")
#: Options of the wall display: they mean nothing without --wallboard.
WALLBOARD_ONLY = ("screen", "layout", "page")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Real-time supervisor console for bank contact centres. Without --feed, runs an "
        "embedded gateway on the simulated bank centre and connects to it.",
    )
    feed = p.add_argument_group("feed")
    feed.add_argument(
        "--feed",
        metavar="wss://HOST:PORT",
        help="connect to this running gateway (ws://HOST:PORT only on this computer, unless --insecure)",
    )
    feed.add_argument(
        "--ca",
        metavar="FILE",
        help="for a wss:// gateway whose certificate a private CA signed: that CA's certificate (PEM);"
        " default: the system's CAs",
    )
    feed.add_argument(
        "--insecure",
        action="store_true",
        help="allow a plain ws:// gateway on another computer (your token and the floor cross the network"
        " unencrypted); without it ws:// may only reach this computer",
    )
    feed.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="a file holding your token for --feed, that only you may read (chmod 600);"
        " else the environment variable CONSOLE_TOKEN, else the window asks",
    )
    feed.add_argument(
        "--token",
        help="your token for --feed on the command line (demos and tests: other local users can"
        " read it with ps; prefer --token-file or CONSOLE_TOKEN)",
    )
    sim = p.add_argument_group("embedded gateway (without --feed)")
    # Defaults are filled in later, so giving one of these with --feed can be told from not giving it.
    sim.add_argument("--scenario", help="scenario TOML file or bundled name (default bank)")
    sim.add_argument("--seed", type=int, help="random seed of the simulator (default 1)")
    sim.add_argument(
        "--speed",
        type=float,
        help=f"simulated seconds per real second (default {DEFAULT_SPEED:g})",
    )
    sim.add_argument(
        "--start", help="feed-clock start, ISO 8601 with offset (default today at the scenario's start)"
    )
    view = p.add_argument_group("display")
    view.add_argument("--theme", choices=("light", "dark"), help="colour theme (default: as last used)")
    view.add_argument("--settings", metavar="FILE", help="window layout and view settings file (ini)")
    view.add_argument(
        "--lang",
        metavar="LANG",
        help=f"interface language: {' or '.join(LANGUAGES)} (default: as last chosen in View > Language, "
        "else the system's)",
    )
    view.add_argument("--size", metavar="WxH", help="window size, e.g. 1600x1000")
    view.add_argument("--screenshot", metavar="FILE", help="save a PNG of the window and exit")
    view.add_argument(
        "--after", type=float, default=5.0, metavar="SECONDS", help="wait before --screenshot (default 5)"
    )
    wall = p.add_argument_group("wall display")
    wall.add_argument(
        "--wallboard",
        action="store_true",
        help="show the wall display: full screen, pages of tiles that rotate (see docs/wallboard.md)",
    )
    wall.add_argument("--screen", type=int, metavar="N", help="wallboard: the screen to fill (0 = the first)")
    wall.add_argument("--layout", metavar="FILE", help="wallboard: layout file (TOML; default: built in)")
    wall.add_argument("--page", type=int, metavar="N", help="wallboard: the page to start on (1 = the first)")
    p.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,
        choices=LOG_LEVELS,
        metavar="LEVEL",
        help="logging level: " + ", ".join(LOG_LEVELS) + " (default WARNING)",
    )
    p.add_argument(
        "--install-desktop",
        action="store_true",
        help="put the console in your application menu (a desktop entry starting this program, and its "
        "icon, under ~/.local/share) and exit",
    )
    p.add_argument("--version", action="version", version=f"supervisor-console {__version__}")
    return p


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1600x1000") from None
    if w < 400 or h < 300:
        raise ValueError(f"--size {text!r}: at least 400x300")
    return w, h


def check_feed_url(text: str) -> str:
    """The gateway's address as given, if it is a websocket address with a host (and a valid port)."""
    expected = f"--feed {text!r}: expected a websocket address, ws://HOST:PORT (or wss://HOST:PORT)"
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        raise ValueError(expected) from None
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ValueError(expected)
    if port == 0:
        raise ValueError(f"--feed {text!r}: port 0 is not a gateway's port")
    return text


def check_args(args: argparse.Namespace) -> None:
    """Everything argparse cannot check by itself; raises ValueError with a message for the user."""
    if args.ca is not None:
        check_ca_file(args.ca)
    if args.feed:
        check_feed_url(args.feed)
        given = [f"--{name}" for name in EMBEDDED_ONLY if getattr(args, name) is not None]
        if given:
            raise ValueError(
                f"{', '.join(given)} configure the embedded gateway and cannot be used with --feed "
                "(the gateway at --feed runs its own scenario)"
            )
    elif args.token or args.token_file:
        option = "--token" if args.token else "--token-file"
        raise ValueError(f"{option} is for --feed; the embedded gateway makes its own one-time token")
    if args.speed is not None and not (math.isfinite(args.speed) and args.speed > 0):
        raise ValueError(
            f"--speed must be a positive number of simulated seconds per second, not {args.speed:g}"
        )
    if args.start is not None:
        check_start(args.start)  # a clear message for a bad or out-of-range date, not a traceback
    if args.settings is not None:
        try:
            check_settings_file(args.settings)  # never written over unless the console's own
        except InputFileError as exc:
            raise ValueError(f"--settings {exc}") from None
    if not (math.isfinite(args.after) and args.after >= 0):
        raise ValueError(f"--after must be a number of seconds, zero or more, not {args.after:g}")
    if args.screenshot:
        folder = Path(args.screenshot).expanduser().resolve().parent
        if not folder.is_dir():
            raise ValueError(f"--screenshot {args.screenshot!r}: the folder {folder} does not exist")
    if not args.wallboard:
        given = [f"--{name}" for name in WALLBOARD_ONLY if getattr(args, name) is not None]
        if given:
            raise ValueError(f"{', '.join(given)}: only for the wall display; add --wallboard")
    if args.screen is not None and args.screen < 0:
        raise ValueError(f"--screen must be 0 (the first screen) or more, not {args.screen}")
    if args.page is not None and args.page < 1:
        raise ValueError(f"--page must be 1 (the first page) or more, not {args.page}")
    if args.lang is not None:
        try:
            check_language(args.lang)
        except ValueError as exc:
            raise ValueError(f"--lang {exc}") from None


def wallboard_layout(args: argparse.Namespace) -> Layout:
    """The wallboard's layout: --layout checked whole, or the default.

    Its thresholds are the console's (View ▸ Alert thresholds…, in the settings file: --settings or
    the user's own) wherever the layout's own ``[thresholds]`` leave a limit out.
    Raises LayoutError for a layout file that cannot be used, ValueError for the other options.
    """
    layout = default_layout() if args.layout is None else load_layout(args.layout)
    console = load_alert_settings(open_settings(args.settings)).thresholds
    layout = dataclasses.replace(layout, thresholds=layout.thresholds.over(console))
    if args.page is not None and args.page > len(layout.pages):
        raise ValueError(f"--page {args.page}: the layout has {len(layout.pages)} page(s)")
    return layout


def layout_error_text(exc: LayoutError, args: argparse.Namespace) -> str:
    """``FILE:LINE: WHERE: REASON`` with the reason in the interface language.

    The layout is refused before anything starts (no gateway, no application: a machine without a
    display still gets the message), so before the translators are installed: the reason is looked
    up in the chosen language's translation directly.
    """
    code = choose_language(args.lang, open_settings(args.settings))
    return exc.message(translated(exc.text, lookup_in(code)))


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the error (or the help)
        return exc.code if isinstance(exc.code, int) else 2
    logging.basicConfig(
        level=args.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        size = parse_size(args.size) if args.size else None
        check_args(args)
        layout = wallboard_layout(args) if args.wallboard else None
    except LayoutError as exc:
        print(f"error: --layout: {layout_error_text(exc, args)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.install_desktop:
        return _install_desktop()
    try:
        token, warnings = console_token(args.token, args.token_file)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(warning, file=sys.stderr, flush=True)
    if args.feed and not token and (args.wallboard or args.screenshot):
        # Nobody at a wall display or a screenshot to type a token: the console asks (sign-in).
        print(
            "error: --feed needs a token here: give --token-file FILE or set CONSOLE_TOKEN", file=sys.stderr
        )
        return 2
    refusal = plain_text_refusal(args.feed, insecure=args.insecure) if args.feed else None
    if refusal is not None:
        if args.wallboard or args.screenshot:
            # Nobody to give another address: stop here and say why.
            print(f"error: --feed {refusal}", file=sys.stderr)
            return 2
        # The window's sign-in dialog says it too, and asks for a wss:// address.
        print(f"warning: --feed {refusal}", file=sys.stderr)
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        # A picture needs no display, and taking one should not flash a window on the user's screen.
        os.environ["QT_QPA_PLATFORM"] = display.HEADLESS_PLATFORM
    # Before anything starts: without a display, or without the libraries of Qt's platform
    # plugin, QApplication would abort the process. Offscreen (tests, --screenshot) is not judged.
    problem = None if QApplication.instance() is not None else display.check(os.environ)
    if problem is not None:
        print(display.describe(problem), file=sys.stderr)
        return 1

    # The language is chosen before the embedded gateway starts: its demo centre speaks it too.
    lang = choose_language(args.lang, open_settings(args.settings))
    embedded: EmbeddedGateway | None = None
    if args.feed:
        url = args.feed
    else:
        try:
            embedded = EmbeddedGateway.temporary(
                scenario=args.scenario or "bank",
                seed=1 if args.seed is None else args.seed,
                speed=DEFAULT_SPEED if args.speed is None else args.speed,
                start=args.start,
                lang=lang,
            )
            embedded.start()
        except (ScenarioError, ValueError, OSError) as exc:
            print(f"error: cannot start the embedded gateway: {exc}", file=sys.stderr)
            if embedded is not None:
                embedded.stop()
            return 1
        url, token = embedded.url, embedded.token
        print(f"embedded gateway on {url} (admin token {token})", flush=True)
        print(f"  another console can join: CONSOLE_TOKEN={token} python main.py --feed {url}", flush=True)
    # Before the first widget: widgets take their words (and Qt its locale) when they are made.
    language = install_language(_application(), lang)
    try:
        if layout is not None:
            assert token is not None  # checked above
            return _run_wallboard(args, url, token, size, layout)
        return _run(args, url, token, size)
    finally:
        language.remove()
        if embedded is not None:
            embedded.stop()


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName(ORGANIZATION)
    # The window system matches the windows to the installed desktop entry and its icon by this id.
    app.setDesktopFileName(desktop_entry.DESKTOP_ID)
    app.setWindowIcon(QIcon(str(desktop_entry.ICON_FILE)))
    return app


def _install_desktop() -> int:
    """``--install-desktop``: the entry and the icon under the user's data folder, checked when we can."""
    try:
        done = desktop_entry.install(os.environ)
    except OSError as exc:
        print(f"error: cannot install the desktop entry: {exc}", file=sys.stderr)
        return 1
    print(f"desktop entry {done.entry} (starts {' '.join(done.command)})")
    print(f"icon {done.icon}")
    validate = shutil.which("desktop-file-validate")
    if validate is not None:
        out = subprocess.run([validate, str(done.entry)], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"error: desktop-file-validate: {out.stdout}{out.stderr}".rstrip(), file=sys.stderr)
            return 1
    return 0


def _serve(
    app: QApplication,
    window: QWidget,
    feed: LiveFeed,
    args: argparse.Namespace,
    before_shot: Callable[[], None],
) -> int:
    """Run until ``window`` closes, or save ``--screenshot`` after ``--after`` seconds; then stop the feed."""
    result = {"code": 0}
    if args.screenshot:
        target = Path(args.screenshot)

        def shoot() -> None:
            before_shot()  # draw the latest figures, not the last timer tick's
            app.processEvents()
            pixmap = window.grab()
            if pixmap.isNull() or not pixmap.save(str(target), "PNG"):
                print(f"error: could not save the screenshot to {target}", file=sys.stderr)
                result["code"] = 1
            else:
                print(f"screenshot {target} ({pixmap.width()}x{pixmap.height()})", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(round(args.after * 1000), shoot)

    # Ctrl+C in the terminal: Python only sees signals when the interpreter runs, so wake it up.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    app.setQuitOnLastWindowClosed(True)
    try:
        app.exec()
    finally:
        wake.stop()
        feed.stop()
    return result["code"]


def fit_to_screen(window: QWidget) -> None:
    """A window larger than the screen's free area (the 1600x1000 default on a 1366x768 laptop) is
    made to fit it, top left: no desktop should open the console with its right-hand docks or its
    status bar off the screen. A size restored from the last session is left alone if it fits."""
    screen = window.screen()
    if screen is None:
        return
    free = screen.availableGeometry()
    frame = window.frameGeometry()
    if frame.width() <= free.width() and frame.height() <= free.height():
        return
    # The window manager's frame around the window (title bar, borders), as far as it is known yet.
    extra_w = max(0, frame.width() - window.width())
    extra_h = max(0, frame.height() - window.height())
    window.resize(min(window.width(), free.width() - extra_w), min(window.height(), free.height() - extra_h))
    window.move(free.topLeft())


def _run(args: argparse.Namespace, url: str, token: str | None, size: tuple[int, int] | None) -> int:
    """The Qt part: the window on a live feed until it closes (or the screenshot is taken).

    With ``--feed`` the window signs in: without a token, or when the gateway refuses it, the
    sign-in dialog asks for one (``widgets.common.sign_in``).
    """
    app = _application()
    apply_theme(app, args.theme or DEFAULT_THEME)

    feed = LiveFeed(url, token, ca=args.ca, insecure=args.insecure)
    window = MainWindow(
        feed, settings_path=args.settings, save_on_close=not args.screenshot, sign_in=bool(args.feed)
    )
    if args.theme:
        window.set_theme(args.theme)
    if size is not None or args.screenshot:
        window.resize(*(size or SCREENSHOT_SIZE))
    else:
        fit_to_screen(window)
    window.show()
    feed.start()

    def before_shot() -> None:
        window.charts.invalidate()
        window.charts.redraw()

    return _serve(app, window, feed, args, before_shot)


def _run_wallboard(
    args: argparse.Namespace, url: str, token: str, size: tuple[int, int] | None, layout: Layout
) -> int:
    """The wall display on a live feed until it closes (or the screenshot is taken). It sends no command."""
    app = _application()
    screens = app.screens()
    if args.screen is not None and not args.screenshot and args.screen >= len(screens):
        names = ", ".join(f"{i} ({s.name()})" for i, s in enumerate(screens)) or "none"
        print(f"error: --screen {args.screen}: this display has screens {names}", file=sys.stderr)
        return 2
    apply_theme(app, args.theme or layout.theme or WALLBOARD_THEME)

    feed = LiveFeed(url, token, ca=args.ca, insecure=args.insecure)
    board = WallboardWindow(feed, layout, start_page=(args.page or 1) - 1)
    if args.screenshot:
        board.resize(*(size or WALLBOARD_SCREENSHOT_SIZE))
        board.show()
    else:
        screen = screens[args.screen or 0] if screens else None
        if screen is not None:
            board.setScreen(screen)
            board.setGeometry(screen.geometry())
        if size is not None:
            board.resize(*size)
            board.show()
        else:
            board.enter_full_screen()
    board.activateWindow()
    feed.start()
    return _serve(app, board, feed, args, board.refresh)
