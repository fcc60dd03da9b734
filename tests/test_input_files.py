"""Input files named on the command line: regular files of bounded size; settings never written over.

A FIFO (no writer: reading it would wait for ever), /dev/zero (endless), a 2 MiB
file, a foreign settings file and out-of-range start dates, through the real
loaders and the real command lines of the gateway and the console. Each is
refused at once with a message naming the file and why, and no traceback.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import main as app_main
from console.application.wallboard_layout import LayoutError, load_layout
from console.feeds.gateway.cli import main as gateway_main
from console.feeds.gateway.config import GatewayConfig
from console.feeds.sources.simulator.scenario import ScenarioError, load_scenario, resolve_scenario
from console.input_files import (
    MAX_INPUT_BYTES,
    SETTINGS_MARKER,
    SETTINGS_MARKER_KEY,
    InputFileError,
    check_settings_file,
    read_input_text,
)
from console.widgets.main_window import open_settings

DEV_ZERO = Path("/dev/zero")


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    yield path


@pytest.fixture
def huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# padding\n" * (MAX_INPUT_BYTES // 10 + 1))
    return path


@pytest.fixture(autouse=True)
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSOLE_TOKEN", raising=False)


def test_a_fifo_a_device_a_directory_and_a_huge_file_are_refused_at_once(
    fifo: Path, huge: Path, tmp_path: Path
) -> None:
    began = time.monotonic()
    cases = {fifo: "a FIFO", DEV_ZERO: "a device", tmp_path: "a directory"}
    for path, what in cases.items():
        with pytest.raises(InputFileError) as refused:
            read_input_text(path)
        assert refused.value.kind == "not_regular" and str(path) in str(refused.value)
        assert f"{what}" in str(refused.value) and "not a regular file" in str(refused.value)
    with pytest.raises(InputFileError, match="larger than 1024 KiB") as too_large:
        read_input_text(huge)
    assert too_large.value.kind == "too_large"
    assert time.monotonic() - began < 5  # no wait on the pipe, no endless read
    ok = tmp_path / "ok.toml"
    ok.write_text("a = 1\n", encoding="utf-8")
    assert read_input_text(ok) == "a = 1\n"


def test_the_scenario_and_layout_loaders_refuse_them_naming_the_file(fifo: Path, huge: Path) -> None:
    for path, why in ((fifo, "a FIFO"), (DEV_ZERO, "a device"), (huge, "larger than")):
        with pytest.raises(ScenarioError, match=why) as scenario:
            load_scenario(path)
        assert str(scenario.value).startswith(f"{path}: ")
        with pytest.raises(LayoutError) as layout:
            load_layout(path)
        assert layout.value.file == str(path) and why in str(layout.value)


def test_the_gateway_refuses_a_fifo_or_dev_zero_scenario_with_exit_2(
    fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in (fifo, DEV_ZERO):
        began = time.monotonic()
        code = gateway_main(
            ["--scenario", str(path), "--port", "0", "--db", f"sqlite:///{tmp_path / 'g.db'}"]
        )
        err = capsys.readouterr().err
        assert code == 2 and time.monotonic() - began < 10
        assert f"error: {path}: " in err and "not a regular file" in err and "Traceback" not in err
    assert resolve_scenario(str(fifo)) == fifo  # named as given: the loader says what is wrong with it


def test_the_wall_display_refuses_a_fifo_layout_with_exit_2(
    fifo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app_main(["--wallboard", "--layout", str(fifo)]) == 2
    err = capsys.readouterr().err
    assert f"error: --layout: {fifo}" in err and "a FIFO" in err and "Traceback" not in err


def test_settings_are_never_written_over_a_file_that_is_not_the_consoles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "notes.ini"
    foreign.write_text("[General]\nimportant=do not lose\n", encoding="utf-8")
    before = foreign.read_bytes()
    assert app_main(["--settings", str(foreign), "--screenshot", str(tmp_path / "s.png")]) == 2
    err = capsys.readouterr().err
    assert f"--settings {foreign}: exists and is not a settings file of this console" in err
    assert "Traceback" not in err
    assert foreign.read_bytes() == before
    with pytest.raises(InputFileError) as refused:
        check_settings_file(foreign)
    assert refused.value.kind == "foreign"
    # Not a regular file: refused too (never read for ever, never written).
    with pytest.raises(InputFileError, match="a device"):
        check_settings_file(DEV_ZERO)


def test_settings_the_console_wrote_new_or_empty_files_are_taken(tmp_path: Path) -> None:
    new = tmp_path / "new.ini"
    check_settings_file(new)  # not there yet: fine
    settings = open_settings(new)
    settings.setValue("view/theme", "dark")
    settings.sync()
    text = new.read_text(encoding="utf-8")
    assert f"{SETTINGS_MARKER_KEY}={SETTINGS_MARKER}" in text
    check_settings_file(new)  # its own: fine, again and again
    assert open_settings(new).value("view/theme") == "dark"
    empty = tmp_path / "empty.ini"
    empty.write_text("", encoding="utf-8")
    check_settings_file(empty)
    open_settings(empty).sync()
    assert SETTINGS_MARKER in empty.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:00Z", "0001-01-01T00:00Z", "1969-12-31T23:59Z", "2100-01-01T00:00Z"]
)
def test_an_out_of_range_start_is_refused_with_exit_2(
    start: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = gateway_main(["--start", start, "--port", "0", "--db", f"sqlite:///{tmp_path / 'g.db'}"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"--start {start!r}: out of range" in err and "Traceback" not in err
    assert not (tmp_path / "g.db").exists()  # refused before anything started
    assert app_main(["--start", start]) == 2
    err = capsys.readouterr().err
    assert f"--start {start!r}: out of range" in err and "Traceback" not in err
    with pytest.raises(ValueError, match="out of range"):
        GatewayConfig(start=start)


def test_a_start_that_is_not_a_time_is_refused_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gateway_main(["--start", "next monday", "--db", f"sqlite:///{tmp_path / 'g.db'}"]) == 2
    err = capsys.readouterr().err
    assert "--start 'next monday': expected an ISO 8601 time with its UTC offset" in err
