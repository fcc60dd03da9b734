"""An adapter's token: from a file only its owner may read, the environment, or --token (warned about)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from console.feeds.adapters.link import TOKEN_ENV, TOKEN_ON_COMMAND_LINE, add_token_options, read_token


def parse(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_token_options(p)
    return p.parse_args(argv)


def test_the_token_file_must_be_private_and_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    f = tmp_path / "adapter.token"
    f.write_text("  tok-from-file-0123456789\n")
    f.chmod(0o600)
    assert read_token(parse("--token-file", str(f))) == "tok-from-file-0123456789"
    f.chmod(0o644)
    with pytest.raises(
        ValueError, match=rf"--token-file {f}: may be read by other users \(mode 644\).*chmod 600"
    ):
        read_token(parse("--token-file", str(f)))
    f.write_text("\n")
    f.chmod(0o600)
    with pytest.raises(ValueError, match="is empty"):
        read_token(parse("--token-file", str(f)))
    with pytest.raises(ValueError, match="not a regular file"):
        read_token(parse("--token-file", str(tmp_path)))


def test_the_command_line_is_warned_about_and_the_environment_serves_without_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "tok-from-env")
    assert read_token(parse()) == "tok-from-env"
    assert capsys.readouterr().err == ""
    assert read_token(parse("--token", "tok-on-cli")) == "tok-on-cli"
    assert TOKEN_ON_COMMAND_LINE in capsys.readouterr().err
    monkeypatch.delenv(TOKEN_ENV)
    with pytest.raises(ValueError, match="no token"):
        read_token(parse())
