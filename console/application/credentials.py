"""Where the console's token comes from: a private file, the environment, or the sign-in dialog.

``--token-file FILE`` is refused unless only its owner may read it (the same
rule as the gateway's ``--user-file``); ``CONSOLE_TOKEN`` keeps it out of the
process list too. ``--token T`` still works, for demos and tests, with a
warning: every local user can read it with ``ps``. With none of them the
window's sign-in dialog asks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from console.input_files import read_private_text

TOKEN_ENV = "CONSOLE_TOKEN"
#: A token file larger than this is not a token file.
MAX_TOKEN_FILE = 64 * 1024

TOKEN_ON_COMMAND_LINE = (
    "warning: --token puts your token on the command line, where every local user can read it"
    f" (ps); use --token-file FILE or {TOKEN_ENV}, or sign in in the window"
)


def read_token_file(path: Path) -> str:
    """The token in ``path`` (surrounding blanks dropped); ValueError unless only its owner may read it."""
    return read_private_text(path, "--token-file", limit=MAX_TOKEN_FILE)


def console_token(
    token: str | None, token_file: Path | None, env: Mapping[str, str] | None = None
) -> tuple[str | None, list[str]]:
    """(the token to sign in with, or None for the dialog; warnings for stderr).

    ``--token-file`` first, then ``--token`` (warned about), then ``CONSOLE_TOKEN``.
    """
    env = os.environ if env is None else env
    if token_file is not None:
        return read_token_file(token_file), []
    if token:
        return token, [TOKEN_ON_COMMAND_LINE]
    return env.get(TOKEN_ENV) or None, []
