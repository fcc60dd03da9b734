"""The domain and the feeds import no Qt, so the gateway runs headless."""

from __future__ import annotations

import subprocess
import sys

HEADLESS = [
    "console.domain.state",
    "console.domain.figures.formulas",
    "console.domain.erlang",
    "console.feeds.protocol",
    "console.feeds.gateway.cli",
    "console.feeds.sources.simulator.engine",
    "console.feeds.sources.simulator.scenario",
    "console.store",
]


def test_headless_modules_load_no_qt() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in HEADLESS)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt loaded by headless modules: {out.stdout}"


def test_import_linter_contracts_hold() -> None:
    out = subprocess.run(  # noqa: PLW1510 - the return code is asserted
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
