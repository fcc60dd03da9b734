"""``console-gateway users ...``: add, list, revoke and rotate the users of a gateway's database.

Works on the database a gateway uses (``--db``, as the gateway takes it), also
while that gateway runs: it notices within a second or two and closes the
connections of a revoked or rotated user (``users.UserWatch``). A new token is
printed once, alone on stdout (``TOKEN=$(console-gateway users add ann --role
supervisor)``); nothing but a keyed lookup and a scrypt verifier of it is kept.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from console.domain.permissions import Role
from console.store import Store, UserInfo
from console.store.db import default_db_url
from console.store.tokens import SecretFileError

ROLES = [r.value for r in Role]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", help="database URL: sqlite:///FILE or postgresql+psycopg://... (default: user data dir)"
    )
    common.add_argument(
        "--secret-file",
        type=Path,
        help="the server secret keying stored tokens (default: beside a SQLite database,"
        " or CONSOLE_GATEWAY_SECRET / CONSOLE_GATEWAY_SECRET_FILE); the gateway must use the same",
    )
    p = argparse.ArgumentParser(
        prog="console-gateway users",
        description="Manage the users of a gateway's database; works while the gateway runs.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = sub.add_parser("add", parents=[common], help="add a user and print their new token once")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    sub.add_parser("list", parents=[common], help="name, role, created, last used, revoked (never a token)")
    revoke = sub.add_parser(
        "revoke", parents=[common], help="revoke a user: their token stops working, live connections close"
    )
    revoke.add_argument("name")
    rotate = sub.add_parser(
        "rotate", parents=[common], help="a new token for a user, printed once; the old one stops working"
    )
    rotate.add_argument("name")
    return p


def _status(u: UserInfo) -> str:
    if u.revoked_at is not None:
        return f"revoked {u.revoked_at}"
    return "active" if u.has_token else "no token (users rotate)"


def format_users(users: list[UserInfo]) -> str:
    rows = [("NAME", "ROLE", "CREATED", "LAST USED", "STATUS")]
    rows += [(u.name, u.role, u.created_at, u.last_used_at or "-", _status(u)) for u in users]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)), r[-1]]) for r in rows
    )


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        store = Store.open(args.db or default_db_url(), secret_file=args.secret_file)
    except Exception as exc:  # a bad URL, a database that cannot be reached
        print(f"error: cannot open the database: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "list":
            print(format_users(store.list_users()))
        elif args.command == "add":
            token = store.add_user(args.name, args.role)
            print(token, flush=True)
            print(
                f"user {args.name} ({args.role}) added; the token above is shown this once: keep it secret",
                file=sys.stderr,
            )
        elif args.command == "rotate":
            token = store.rotate_user(args.name)
            print(token, flush=True)
            print(
                f"user {args.name}: new token above, shown this once; the old one no longer works",
                file=sys.stderr,
            )
        elif not store.revoke_user(args.name):
            print(f"error: no user {args.name}, or already revoked", file=sys.stderr)
            return 1
        else:
            print(f"user {args.name} revoked; a running gateway closes their connections", file=sys.stderr)
    except (ValueError, SecretFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
