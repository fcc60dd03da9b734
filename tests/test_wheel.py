"""The wheel: built from the checkout, installed in a fresh virtualenv outside it, and run from there.

Installed from a wheel there is no source tree next to the package, so whatever the
console reads at run time (the bundled scenarios, the wallboard's layout) must ship
in the package and be found through it (``console.resources``, see
resources/__init__.py). The checkout's editable install cannot show that: it maps
the package to the folders of the checkout.

The fresh virtualenv takes its dependencies (PySide6, SQLAlchemy, ...) from the
running interpreter's site-packages through a ``.pth`` file instead of downloading
them again. A plain directory line in a ``.pth`` only puts that directory on
``sys.path``; the ``.pth`` files inside it (the checkout's editable install among
them) are not run, so nothing of the checkout comes in that way. The programs run
with their working directory outside the checkout and without PYTHONPATH.
"""

from __future__ import annotations

import fnmatch
import os
import queue
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import msgspec
import pytest
from PySide6.QtGui import QImage
from websockets.sync.client import connect

from console import __version__
from console.application.desktop_entry import DESKTOP_ID

ROOT = Path(__file__).resolve().parents[1]
#: What the build reads from the checkout: copied to a folder of its own, so that the build's
#: leftovers (build/, *.egg-info) stay out of the checkout and a stale build/ cannot leak into the wheel.
BUILD_INPUTS = ("pyproject.toml", "README.md", "console", "resources")
#: Generous bounds for a busy 2-core machine; each failure says which step and shows its output.
BUILD_S, VENV_S, RUN_S, LISTEN_S, STOP_S = 180.0, 120.0, 240.0, 120.0, 60.0
#: This interpreter's pip, offline: nothing is downloaded, whatever the machine's pip configuration.
PIP = (sys.executable, "-m", "pip", "--no-input", "--disable-pip-version-check", "-q")


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def test_every_package_under_console_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists the packages (it cannot search and map resources/ both): none forgotten."""
    setuptools = _pyproject()["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "console").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - on_disk == {"console.resources"}, "listed in pyproject.toml but not under console/"
    assert setuptools["package-dir"] == {"console.resources": "resources"}
    assert (ROOT / "resources" / "__init__.py").is_file()


# -- the wheel, installed -------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    wheel: Path
    source: Path  # the copy of the checkout the wheel was built from
    venv: Path
    bin: Path
    work: Path  # the programs' working directory: outside the checkout and the virtualenv
    env: dict[str, str]


def _fail(step: str, proc_args: Sequence[str], code: int | None, out: str, err: str) -> None:
    pytest.fail(
        f"{step}: exit {code}\n$ {' '.join(proc_args)}\n--- stdout\n{out[-6000:]}\n--- stderr\n{err[-6000:]}",
        pytrace=False,
    )


def _run(
    step: str, args: Sequence[str], timeout_s: float, env: dict[str, str], cwd: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run to the end within ``timeout_s``; on a timeout (or, with ``check``, an exit code other
    than 0) fail with the output."""
    proc = subprocess.Popen(
        list(args), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        _fail(f"{step}: still running after {timeout_s:g} s", args, None, out, err)
    if check and proc.returncode != 0:
        _fail(step, args, proc.returncode, out, err)
    return subprocess.CompletedProcess(list(args), proc.returncode, out, err)


def _clean_env(base: Path) -> dict[str, str]:
    """This environment without whatever could bring the checkout in, and with Qt offscreen."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONNOUSERSITE"] = "1"
    # Default databases and settings land in the test's folders, not the user's.
    env["XDG_DATA_HOME"] = str(base / "data")
    env["XDG_CONFIG_HOME"] = str(base / "config")
    return env


def _site_packages_here() -> list[str]:
    """The running interpreter's site-packages: where the dependencies are installed."""
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"]]
    return [p for i, p in enumerate(found) if Path(p).is_dir() and p not in found[:i]]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, work = base / "source", base / "dist", base / "venv", base / "work"
    work.mkdir()
    env = _clean_env(base)
    source.mkdir()
    for name in BUILD_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, source / name)

    # The build backend of this environment (the test extras bring setuptools and wheel): no download.
    _run(
        "building the wheel (with this environment's setuptools and wheel: pip install -e '.[test]')",
        [*PIP, "wheel", "--no-index", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)],
        BUILD_S,
        env,
        work,
    )
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {dist}: {wheels}"

    _run(
        "creating the virtualenv",
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        VENV_S,
        env,
        work,
    )
    python = venv / "bin" / "python"
    purelib = _run(
        "asking the virtualenv for its site-packages",
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        VENV_S,
        env,
        work,
    ).stdout.strip()
    # The dependencies: this interpreter's site-packages, after the virtualenv's own (see the top).
    (Path(purelib) / "dependencies-from-the-test-run.pth").write_text(
        "".join(f"{p}\n" for p in _site_packages_here()), encoding="utf-8"
    )
    _run(
        "installing the wheel",
        [*PIP, "--python", str(python), "install", "--no-index", "--no-deps", str(wheels[0])],
        BUILD_S,
        env,
        work,
    )
    return Installed(wheels[0], source, venv, venv / "bin", work, env)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_wheel_holds_every_module_and_the_bundled_files(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as whl:
        names = set(whl.namelist())
    expected = {str(p.relative_to(installed.source)) for p in (installed.source / "console").rglob("*.py")}
    resources = installed.source / "resources"
    # Every bundled file but the translations' sources (.ts): the console loads the compiled .qm.
    expected |= {
        "console/resources/" + str(p.relative_to(resources))
        for p in resources.rglob("*")
        if p.is_file() and p.suffix != ".ts"
    }
    assert "console/resources/i18n/console_zh_CN.qm" in expected
    missing = sorted(expected - names)
    assert not missing, f"not in the wheel (a package or package-data pattern in pyproject.toml?): {missing}"
    assert fnmatch.filter(names, "*.dist-info/entry_points.txt")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_console_and_its_bundled_files_come_from_the_virtualenv(installed: Installed) -> None:
    code = (
        "import console\n"
        "from console.feeds.sources.simulator.scenario import SCENARIO_DIR, resolve_scenario\n"
        "from console.application.wallboard_layout import DEFAULT_LAYOUT_FILE\n"
        "for p in (console.__file__, resolve_scenario('bank'), DEFAULT_LAYOUT_FILE): print(p)\n"
        "print(*sorted(p.name for p in SCENARIO_DIR.glob('*.toml')))\n"
    )
    out = _run(
        "importing console", [str(installed.bin / "python"), "-c", code], RUN_S, installed.env, installed.work
    )
    *files, scenarios = out.stdout.splitlines()
    venv = installed.venv.resolve()
    for name in files:
        path = Path(name).resolve()
        assert path.is_relative_to(venv), f"{path} is not in the virtualenv {venv}: the checkout leaked in"
        assert path.is_file(), path
    assert scenarios.split() == ["bank.toml", "erlang_c.toml", "single_queue.toml"]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_supervisor_console_from_the_wheel_takes_a_screenshot(installed: Installed) -> None:
    shot = installed.work / "console.png"
    args = [str(installed.bin / "supervisor-console"), "--screenshot", str(shot), "--after", "1"]
    args += ["--settings", str(installed.work / "console.ini")]
    out = _run("supervisor-console --screenshot", args, RUN_S, installed.env, installed.work)
    assert shot.is_file(), f"no screenshot; stdout: {out.stdout}\nstderr: {out.stderr}"
    image = QImage(str(shot))
    assert not image.isNull() and (image.width(), image.height()) == (1600, 1000)
    # Not blank: a drawn window has many colours (text, tables, charts), a blank one a single colour.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 20) for y in range(0, image.height(), 20)}
    assert len(colours) > 20, f"the screenshot looks blank: {len(colours)} colour(s)"


def _welcome(url: str, token: str, deadline: float) -> dict[str, Any]:
    """The gateway's welcome to an admin's hello."""
    with connect(url, open_timeout=max(1.0, deadline - time.monotonic()), max_size=None) as ws:
        ws.send(msgspec.json.encode({"op": "hello", "protocol": 1, "token": token}).decode())
        while True:
            frame: dict[str, Any] = msgspec.json.decode(
                ws.recv(timeout=max(1.0, deadline - time.monotonic()))
            )
            if frame["op"] == "welcome":
                return frame


def _lines(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_console_gateway_from_the_wheel_listens_and_stops_cleanly(installed: Installed) -> None:
    db = installed.work / "gateway.db"
    args = [str(installed.bin / "console-gateway"), "--port", "0", "--db", f"sqlite:///{db}"]
    errors = installed.work / "gateway.stderr"
    with errors.open("w") as stderr:  # a file: however much it logs, the gateway never blocks on it
        proc = subprocess.Popen(
            args, cwd=installed.work, env=installed.env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    seen: list[str] = []
    listening = token = None
    welcome: dict[str, Any] | None = None
    try:
        deadline = time.monotonic() + LISTEN_S
        while token is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:  # the gateway ended before it listened
                break
            seen.append(line)
            if line.startswith("listening ws://"):
                listening = line.split()[1]
            elif line.startswith("admin token: "):
                token = line.split()[-1]
        if listening is not None and token is not None:
            # Served from the wheel, bundled scenario and all. And only once the gateway answers is
            # its SIGTERM handler surely in place: it prints "listening" just before installing it.
            welcome = _welcome(listening, token, deadline)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"console-gateway did not stop within {STOP_S:g} s of SIGTERM", pytrace=False)
        reader.join(STOP_S)  # the output ends with the process
        while not lines.empty():
            rest = lines.get_nowait()
            if rest is not None:
                seen.append(rest)
        proc.stdout.close()
    err = errors.read_text()
    if listening is None or token is None:
        _fail(
            f"console-gateway printed no 'listening ws://' and admin token within {LISTEN_S:g} s",
            args,
            proc.returncode,
            "".join(seen),
            err,
        )
    if proc.returncode != 0:
        _fail("console-gateway stopped by SIGTERM", args, proc.returncode, "".join(seen), err)
    assert welcome is not None and welcome["role"] == "admin", welcome
    assert db.is_file()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_unknown_scenario_names_the_bundled_ones(installed: Installed) -> None:
    args = [str(installed.bin / "console-gateway"), "--scenario", "no_such_centre", "--port", "0"]
    args += ["--db", f"sqlite:///{installed.work / 'unused.db'}"]
    step = "console-gateway --scenario no_such_centre"
    proc = _run(step, args, RUN_S, installed.env, installed.work, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "built-in: bank, erlang_c, single_queue" in proc.stderr, proc.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_both_programs_print_the_version_the_wheel_was_built_with(installed: Installed) -> None:
    """One version, written once (console/__init__.py): in the wheel's name and metadata and
    printed by both programs."""
    assert installed.wheel.name.startswith(f"bank_supervisor_console-{__version__}-")
    with zipfile.ZipFile(installed.wheel) as whl:
        (metadata,) = fnmatch.filter(whl.namelist(), "*.dist-info/METADATA")
        assert f"\nVersion: {__version__}\n" in whl.read(metadata).decode()
    for program in ("supervisor-console", "console-gateway"):
        out = _run(
            f"{program} --version",
            [str(installed.bin / program), "--version"],
            RUN_S,
            installed.env,
            installed.work,
        )
        assert out.stdout == f"{program} {__version__}\n"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_installed_console_puts_itself_in_the_application_menu(installed: Installed) -> None:
    """``supervisor-console --install-desktop`` from the wheel: the entry starts the wheel's program,
    the icon is the one shipped (XDG_DATA_HOME is the test's folder, see _clean_env)."""
    program = installed.bin / "supervisor-console"
    out = _run(
        "supervisor-console --install-desktop",
        [str(program), "--install-desktop"],
        RUN_S,
        installed.env,
        installed.work,
    )
    data = Path(installed.env["XDG_DATA_HOME"])
    entry = data / "applications" / f"{DESKTOP_ID}.desktop"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    assert f"desktop entry {entry} (starts {program})" in out.stdout
    assert f"\nExec={program}\n" in entry.read_text(encoding="utf-8")
    assert (
        icon.read_bytes() == (installed.source / "resources" / "desktop" / f"{DESKTOP_ID}.svg").read_bytes()
    )
