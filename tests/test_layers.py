"""Every module that says it is Qt-free loads no Qt (the gateway and adapters run headless), and the
import-linter contracts of pyproject.toml hold."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

#: Packages whose every module is Qt-free (found by walking them, so a new module is covered too).
HEADLESS_PACKAGES = ["console.domain", "console.feeds", "console.store"]
#: Qt-free modules of the console's application layer (docs/architecture.md).
HEADLESS_MODULES = [
    "console.application.commands",
    "console.application.desktop_entry",
    "console.application.display",
    "console.application.embedded",
    "console.application.history_cache",
    "console.application.report_fetch",
    "console.application.report_files",
    "console.application.timeseries",
    "console.application.wallboard_layout",
    "console.staffing",
]


def headless_modules() -> list[str]:
    found = list(HEADLESS_MODULES)
    for name in HEADLESS_PACKAGES:
        package = importlib.import_module(name)
        found.append(name)
        found += [m.name for m in pkgutil.walk_packages(package.__path__, prefix=f"{name}.")]
    # Alembic's migration scripts run inside alembic's own environment, not as modules.
    return sorted(m for m in found if ".migrations" not in m)


def test_the_walk_finds_the_gateway_the_sources_and_the_client() -> None:
    modules = headless_modules()
    for expected in (
        "console.feeds.gateway.cli",
        "console.feeds.gateway.commands.registry",
        "console.feeds.sources.simulator.engine",
        "console.feeds.client.feed_client",
        "console.store.writer",
    ):
        assert expected in modules


def test_headless_modules_load_no_qt() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in headless_modules())
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
