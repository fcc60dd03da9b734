"""The console's token: a private file, the environment, or the command line with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.application.credentials import TOKEN_ENV, TOKEN_ON_COMMAND_LINE, console_token, read_token_file


def test_a_private_token_file_is_read_and_wins(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("  s3cret-token-0123456789\n")
    path.chmod(0o600)
    assert read_token_file(path) == "s3cret-token-0123456789"
    assert console_token("on-the-line", path, {TOKEN_ENV: "from-env"}) == ("s3cret-token-0123456789", [])


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_token_file_others_may_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "token"
    path.write_text("s3cret-token-0123456789")
    path.chmod(mode)
    with pytest.raises(ValueError, match=rf"may be read by other users \(mode {mode:03o}\).*chmod 600"):
        read_token_file(path)


def test_token_files_that_are_not_tokens_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    empty.chmod(0o600)
    with pytest.raises(ValueError, match="is empty"):
        read_token_file(empty)
    with pytest.raises(ValueError, match="not a regular file"):
        read_token_file(tmp_path)
    with pytest.raises(ValueError, match="No such file"):
        read_token_file(tmp_path / "missing")


def test_the_environment_else_the_dialog_and_the_command_line_is_warned_about() -> None:
    assert console_token(None, None, {TOKEN_ENV: "from-env"}) == ("from-env", [])
    assert console_token(None, None, {}) == (None, [])  # the sign-in dialog asks
    assert console_token("t", None, {TOKEN_ENV: "from-env"}) == ("t", [TOKEN_ON_COMMAND_LINE])
    assert "ps" in TOKEN_ON_COMMAND_LINE and "--token-file" in TOKEN_ON_COMMAND_LINE
