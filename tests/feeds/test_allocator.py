"""The gateway's allocator settings (console/feeds/gateway/allocator.py), set in a fresh interpreter."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

from console.feeds.gateway import allocator, cli

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt"
)

_TUNE = "import json; from console.feeds.gateway import allocator; print(json.dumps(allocator.tune()))"


def _tuned(**env: str) -> dict[str, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    out = subprocess.run(
        [sys.executable, "-c", _TUNE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, int] = json.loads(out.stdout)
    return result


def test_the_gateway_tunes_glibc_for_a_long_run() -> None:
    assert _tuned() == {
        "MALLOC_ARENA_MAX": allocator.ARENA_MAX,
        "MALLOC_MMAP_THRESHOLD_": allocator.MMAP_THRESHOLD,
        "MALLOC_TRIM_THRESHOLD_": allocator.TRIM_THRESHOLD,
    }


def test_what_the_operator_set_in_the_environment_is_left_as_given() -> None:
    assert _tuned(MALLOC_ARENA_MAX="4") == {
        "MALLOC_MMAP_THRESHOLD_": allocator.MMAP_THRESHOLD,
        "MALLOC_TRIM_THRESHOLD_": allocator.TRIM_THRESHOLD,
    }
    assert _tuned(GLIBC_TUNABLES="glibc.malloc.arena_max=4") == {}


def test_the_gateway_command_tunes_before_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    async def run(_config: object) -> None:
        calls.append("run")

    def tune() -> dict[str, int]:
        calls.append("tune")
        return {}

    monkeypatch.setattr(allocator, "tune", tune)
    monkeypatch.setattr(cli, "run", run)
    assert cli.main(["--port", "0", "--db", "sqlite:////nonexistent/never-opened.db"]) == 0
    assert calls == ["tune", "run"]
