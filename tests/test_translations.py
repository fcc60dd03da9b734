"""The Qt Linguist files are complete and current: ``make translations`` was run and its output committed.

For each ``resources/i18n/console_LANG.ts``:
- lupdate, run over every ``console/**/*.py`` into a copy of it, finds no source text the file
  lacks and none it has that the code no longer uses;
- every message is translated (none ``unfinished``, none empty);
- the committed ``.qm`` is what lrelease makes of the committed ``.ts``.
And every ``tr()`` / ``QCoreApplication.translate`` / ``QT_TRANSLATE_NOOP`` call gives lupdate
literal strings to find: lupdate skips a variable silently and takes an f-string's text with its
braces. The one exception is the helper that translates those marked texts (``_TRANSLATES_MARKED``).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
TS_FILES = sorted(I18N.glob("console_*.ts"))
SOURCES = sorted((ROOT / "console").rglob("*.py"))

#: (context, source text, disambiguation): what identifies a message in a .ts file.
Key = tuple[str, str, str]


def _tool(name: str) -> str:
    """``pyside6-NAME`` of the interpreter running the tests (the project's virtualenv), else on PATH."""
    beside = Path(sys.executable).with_name(f"pyside6-{name}")
    found = str(beside) if beside.exists() else shutil.which(f"pyside6-{name}")
    assert found, f"pyside6-{name} not found (it ships with PySide6-Essentials)"
    return found


def _messages(ts: Path) -> dict[Key, ET.Element]:
    """Every message of ``ts`` with its <translation> element."""
    out: dict[Key, ET.Element] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            translation = message.find("translation")
            assert translation is not None, f"{ts.name}: {key} has no <translation>"
            out[key] = translation
    return out


def _show(keys: set[Key]) -> str:
    return "\n".join(f"  [{c}] {s!r}" + (f" ({d})" if d else "") for c, s, d in sorted(keys))


def _lang(ts: Path) -> str:
    return ts.stem.removeprefix("console_")


@pytest.fixture(scope="module")
def current_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, set[Key]]:
    """What lupdate finds in the code today, run (as ``make translations`` runs it) on a copy of each .ts."""
    out: dict[Path, set[Key]] = {}
    for ts in TS_FILES:
        copy = tmp_path_factory.mktemp("lupdate") / ts.name
        shutil.copyfile(ts, copy)
        sources = [str(p.relative_to(ROOT)) for p in SOURCES]  # sorted by code point, like `LC_ALL=C sort`
        done = subprocess.run(
            [_tool("lupdate"), "-no-obsolete", "-locations", "none", *sources, "-ts", str(copy)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        out[ts] = set(_messages(copy))
    return out


def test_the_chinese_translation_is_there_and_ships_in_the_wheel() -> None:
    assert I18N / "console_zh_CN.ts" in TS_FILES
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["console.resources"]
    for ts in TS_FILES:
        qm = ts.with_suffix(".qm")
        assert qm.is_file(), f"{qm.name} missing: run make translations and commit it"
        assert any(fnmatch(str(qm.relative_to(ROOT / "resources")), p) for p in patterns), patterns


@pytest.mark.parametrize("ts", TS_FILES, ids=_lang)
def test_the_ts_holds_every_source_text_of_the_code_and_nothing_else(
    ts: Path, current_texts: dict[Path, set[Key]]
) -> None:
    committed = set(_messages(ts))
    missing = current_texts[ts] - committed
    unused = committed - current_texts[ts]
    assert not missing and not unused, (
        f"{ts.name} is out of date: run `make translations`, translate what is new, commit the .ts and .qm\n"
        f"missing from the .ts ({len(missing)}):\n{_show(missing)}\n"
        f"no longer in the code ({len(unused)}):\n{_show(unused)}"
    )


@pytest.mark.parametrize("ts", TS_FILES, ids=_lang)
def test_every_message_is_translated(ts: Path) -> None:
    def done(translation: ET.Element) -> bool:
        forms = translation.findall("numerusform") or [translation]  # plurals have one text per form
        return translation.get("type") not in ("unfinished", "vanished", "obsolete") and all(
            (form.text or "").strip() for form in forms
        )

    unfinished = {key for key, translation in _messages(ts).items() if not done(translation)}
    assert not unfinished, f"{ts.name}: {len(unfinished)} message(s) not translated:\n{_show(unfinished)}"


@pytest.mark.parametrize("ts", TS_FILES, ids=_lang)
def test_the_qm_is_what_lrelease_makes_of_the_ts(ts: Path, tmp_path: Path) -> None:
    made = tmp_path / ts.with_suffix(".qm").name
    done = subprocess.run(
        [_tool("lrelease"), str(ts), "-qm", str(made)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert made.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
        f"{ts.with_suffix('.qm').name} is not compiled from {ts.name}: run `make translations` and commit it"
    )


#: The calls that look up, at run time, the texts Qt-free modules marked with QT_TRANSLATE_NOOP
#: (console.domain.texts.Text): lupdate found them at their mark, so these calls' variables are right.
_TRANSLATES_MARKED = frozenset(
    {
        ("console/widgets/common/texts.py", "QCoreApplication.translate(context, template)"),
        ("console/widgets/common/language.py", "translator.translate(context, text)"),  # before the app
        ("console/widgets/common/texts.py", "QCoreApplication.translate('Refusal', label)"),  # refusal codes
    }
)


def _literal_calls_wanted(path: Path) -> list[str]:
    """tr()/translate()/QT_TRANSLATE_NOOP() calls in ``path`` whose texts are not plain literals."""
    return _literal_calls_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())


def _literal_calls_in(source: str, name: str) -> list[str]:
    """The calls of ``source`` (the file ``name``) lupdate cannot read, as ``name:line: call``."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute | ast.Name):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        texts = {"tr": node.args[:1], "translate": node.args[:2], "QT_TRANSLATE_NOOP": node.args[:2]}.get(
            func
        )
        if texts is None or (name, ast.unparse(node)) in _TRANSLATES_MARKED:
            continue
        if len(texts) < (1 if func == "tr" else 2) or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts
        ):
            bad.append(f"{name}:{node.lineno}: {ast.unparse(node)[:90]}")
    return bad


def test_the_literal_check_reads_qt_translate_noop_marks_too() -> None:
    source = 'a = QT_TRANSLATE_NOOP("C", "fine")\nb = QT_TRANSLATE_NOOP("C", template)\n'
    assert _literal_calls_in(source, "m.py") == ["m.py:2: QT_TRANSLATE_NOOP('C', template)"]
    # The exemption is for the one helper's call, not for the same call anywhere else.
    helper = "def f(context, template):\n    return QCoreApplication.translate(context, template)\n"
    assert _literal_calls_in(helper, "console/widgets/common/texts.py") == []
    assert len(_literal_calls_in(helper, "console/other.py")) == 1


def test_every_translated_text_is_a_literal_lupdate_can_find() -> None:
    bad = [line for path in SOURCES for line in _literal_calls_wanted(path)]
    assert not bad, (
        "lupdate finds only literal strings (a variable is skipped, an f-string taken with its braces); "
        "pass the literal and .format() the result:\n" + "\n".join(bad)
    )


#: What a translation must carry over from its source: str.format fields ({n}, {name}, {:.1f}),
#: Qt's %1/%n, and HTML tags. A field lost or misspelt in Chinese raises KeyError at run time.
_CARRIED = re.compile(r"\{[^{}]*\}|%(?:\d+|n)|</?[a-zA-Z][^>]*>")


@pytest.mark.parametrize("ts", TS_FILES, ids=_lang)
def test_every_translation_keeps_the_placeholders_of_its_source(ts: Path) -> None:
    wrong = []
    for (context, source, _), translation in _messages(ts).items():
        forms = translation.findall("numerusform") or [translation]
        for form in forms:
            if form.text and sorted(_CARRIED.findall(form.text)) != sorted(_CARRIED.findall(source)):
                wrong.append(f"{context}: {source!r} -> {form.text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_placeholder_check_catches_a_lost_field(tmp_path: Path) -> None:
    """The check above on a file with one field translated away: it must say so."""
    ts = tmp_path / "console_xx.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="xx">\n'
        "<context><name>C</name><message><source>{n} cases</source>"
        "<translation>个工单</translation></message></context>\n</TS>\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match="placeholders differ"):
        test_every_translation_keeps_the_placeholders_of_its_source(ts)
