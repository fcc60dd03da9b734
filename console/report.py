"""``python -m console.report``: a business day's report from a gateway, as PDF, XLSX or CSV.

    python -m console.report --feed wss://HOST:PORT --token-file FILE --day 2026-03-02 \\
        --out day.pdf [--interval 15|30|60] [--lang en|zh_CN] [--ca FILE] [--insecure]

The format is the ``--out`` file's extension (.pdf, .xlsx, .csv). The report comes from the
gateway's ``history.query`` (``console.application.report_fetch``); it is rendered by
``console.application.report_files`` (CSV, XLSX) and ``console.widgets.common.report_pdf``
(PDF, through Qt's own writer on the offscreen platform: no display needed). The token comes
from ``--token-file`` (only its owner may read it), ``CONSOLE_TOKEN``, or ``--token`` (warned
about: it shows in ps). ``--lang`` defaults to the system's language. Exit status: 0 written,
1 no report (the gateway, the connection, the file), 2 bad arguments.

It uses Qt (the PDF and the translations), so it sits at the top like ``console.app``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QLocale
from PySide6.QtGui import QGuiApplication

from console.application.credentials import TOKEN_ENV, console_token
from console.application.report_fetch import ReportFetchError, fetch_day_report
from console.application.report_files import FORMATS, format_of, write_csv, write_xlsx
from console.domain.history import INTERVAL_CHOICES, DayReport
from console.domain.report_tables import Lookup
from console.widgets.common.language import check_language, language_of, lookup_in
from console.widgets.common.report_pdf import write_pdf


class Fetch(Protocol):
    """What brings the report: ``fetch_day_report``, or a test's stand-in."""

    def __call__(
        self, url: str, token: str, day: str, interval_min: int, *, ca: str | None, insecure: bool
    ) -> DayReport: ...


def _day(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day.isoformat() != text:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day YYYY-MM-DD")
    return text


def _out(text: str) -> Path:
    if format_of(text) is None:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the file name must end in {', '.join('.' + f for f in FORMATS)}"
        )
    return Path(text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m console.report",
        description="A business day's report (queues per interval, agents, cases, quality flags) from a"
        " gateway, as PDF, XLSX or CSV (the --out file's extension).",
    )
    p.add_argument("--feed", required=True, metavar="URL", help="the gateway, wss://HOST:PORT")
    p.add_argument("--day", required=True, type=_day, metavar="YYYY-MM-DD", help="the business day")
    p.add_argument(
        "--out", required=True, type=_out, metavar="FILE", help="the report file: .pdf, .xlsx or .csv"
    )
    p.add_argument(
        "--interval",
        type=int,
        choices=INTERVAL_CHOICES,
        default=30,
        help="reporting interval in minutes (default 30)",
    )
    p.add_argument("--lang", metavar="CODE", help="en or zh_CN (default: the system's language)")
    p.add_argument("--token-file", type=Path, metavar="FILE", help="a file holding your token (chmod 600)")
    p.add_argument("--token", help=f"your token (other local users can read it with ps; prefer {TOKEN_ENV})")
    p.add_argument("--ca", metavar="FILE", help="the private CA that signed the gateway's certificate (PEM)")
    p.add_argument("--insecure", action="store_true", help="allow plain ws:// to another computer")
    return p


def main(argv: Sequence[str] | None = None, *, fetch: Fetch = fetch_day_report) -> int:
    p = parser()
    args = p.parse_args(argv)
    try:
        lang = check_language(args.lang) if args.lang else language_of(QLocale.system())
    except ValueError as exc:
        p.error(str(exc))
    try:
        token, warnings = console_token(args.token, args.token_file)
    except (OSError, ValueError) as exc:
        p.error(str(exc))
    for warning in warnings:
        print(warning, file=sys.stderr)
    if not token:
        p.error(f"a token is needed: give --token-file FILE or set {TOKEN_ENV}")

    try:
        report = fetch(args.feed, token, args.day, args.interval, ca=args.ca, insecure=args.insecure)
    except (ReportFetchError, ValueError, OSError) as exc:
        print(f"error: no report of {args.day} from {args.feed}: {exc}", file=sys.stderr)
        return 1

    lookup: Lookup = lookup_in(lang)
    out: Path = args.out
    try:
        fmt = format_of(out)
        if fmt == "csv":
            write_csv(report, out, lookup)
        elif fmt == "xlsx":
            write_xlsx(report, out, lookup)
        else:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
            app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
            write_pdf(report, out, lookup)
            del app
    except OSError as exc:
        print(f"error: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    state = "complete" if report.complete else "as of " + report.ends_at
    print(f"{out}: the report of {report.day} ({state})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
