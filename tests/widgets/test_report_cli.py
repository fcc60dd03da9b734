"""``python -m console.report``: arguments refused with a clear word and status 2, a refused token
with status 1, and the report written in the format of the file's extension and the language asked."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication

from console import report as cli
from console.domain.history import DayReport
from console.widgets.common.language import lookup_in
from tests.helpers.gateway import GatewayThread, make_config, token
from tests.helpers.reports import sample_report

ROOT = Path(__file__).resolve().parents[2]


class FakeFetch:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, int, str | None, bool]] = []

    def __call__(
        self, url: str, token: str, day: str, interval_min: int, *, ca: str | None, insecure: bool
    ) -> DayReport:
        self.calls.append((url, token, day, interval_min, ca, insecure))
        return sample_report()


BASE = ["--feed", "ws://127.0.0.1:1", "--day", "2026-03-02"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--feed", "ws://x", "--out", "a.csv"], "--day"),
        ([*BASE, "--out", "a.csv", "--day", "2026-13-01"], "is not a day YYYY-MM-DD"),
        ([*BASE, "--out", "a.csv", "--day", "2/3/2026"], "is not a day YYYY-MM-DD"),
        ([*BASE, "--out", "report.txt"], "must end in .pdf, .xlsx, .csv"),
        ([*BASE, "--out", "a.csv", "--interval", "20"], "invalid choice: 20"),
        ([*BASE, "--out", "a.csv", "--lang", "fr"], "not a language of the console"),
        ([*BASE, "--out", "a.csv"], "a token is needed"),
    ],
)
def test_bad_arguments_are_refused_plainly(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSOLE_TOKEN", raising=False)
    fetch = FakeFetch()
    with pytest.raises(SystemExit) as stopped:
        cli.main(args, fetch=fetch)
    assert stopped.value.code == 2
    assert words in capsys.readouterr().err
    assert fetch.calls == []


def test_the_module_runs_and_refuses_a_bad_day() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "console.report", *BASE[:2], "--day", "yesterday", "--out", "a.pdf"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "'yesterday' is not a day YYYY-MM-DD" in done.stderr


def test_csv_and_xlsx_in_chinese_with_the_token_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSOLE_TOKEN", "secret")
    fetch = FakeFetch()
    out = tmp_path / "day.csv"
    assert cli.main([*BASE, "--out", str(out), "--interval", "15", "--lang", "zh_CN"], fetch=fetch) == 0
    assert fetch.calls == [("ws://127.0.0.1:1", "secret", "2026-03-02", 15, None, False)]
    assert str(out) in capsys.readouterr().out
    text = out.read_text(encoding="utf-8-sig")
    courtesy = lookup_in("zh_CN")("quality", "Courtesy and attitude")
    assert courtesy != "Courtesy and attitude" and courtesy in text
    rows = list(csv.reader(text.splitlines()))
    assert ["信用卡", "12", "9", "2", "1"] in rows

    book_path = tmp_path / "day.xlsx"
    assert cli.main([*BASE, "--out", str(book_path), "--lang", "en"], fetch=fetch) == 0
    assert load_workbook(book_path).sheetnames == ["Queues", "Agents", "Cases", "Quality flags"]


def test_pdf(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_TOKEN", "secret")
    out = tmp_path / "day.pdf"
    assert cli.main([*BASE, "--out", str(out), "--lang", "en"], fetch=FakeFetch()) == 0
    assert out.read_bytes().startswith(b"%PDF-")


def test_a_refused_token_ends_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("not-a-token\n")
    token_file.chmod(0o600)
    monkeypatch.delenv("CONSOLE_TOKEN", raising=False)
    out = tmp_path / "day.csv"
    with GatewayThread(make_config(tmp_path)) as gw:
        args = ["--feed", gw.url, "--day", "2026-03-02", "--out", str(out), "--token-file", str(token_file)]
        assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "error: no report of 2026-03-02" in err and "refused the token" in err
    assert not out.exists()
    assert token("supervisor") not in err
