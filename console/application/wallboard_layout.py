"""The wallboard's layout file: TOML in, a checked ``console.domain.wallboard.Layout`` out (no Qt).

Every mistake is reported as ``FILE:LINE: WHERE: REASON``, the reason also as a
``console.domain.texts.Text`` (``LayoutError.text``) for the console to translate, e.g.
``layout.toml:12: pages[2].tiles[0]: unknown tile kind 'foo' (known: queue, summary, …)``:
tomllib's syntax errors carry their line, and for the rest a small index of the
file (``key_lines``) finds the line of the key, table or array element at fault.
Indices count from 0, as in the file's own order. Queue ids cannot be checked
here (the feed's queues are known only once it delivers its floor): a tile for
a queue the feed does not have says so on screen instead. See docs/wallboard.md.
"""

from __future__ import annotations

import bisect
import math
import re
import tomllib
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

from console.domain.texts import QT_TRANSLATE_NOOP, Text
from console.domain.wallboard import (
    ALL_QUEUES,
    TODAY_METRICS,
    BurnIn,
    Layout,
    Limits,
    Metric,
    MetricLimits,
    PageSpec,
    ThresholdConfig,
    TileKind,
    TileLevelRule,
    TileSpec,
)
from console.input_files import MAX_INPUT_BYTES, InputFileError, read_input_text

#: The bundled layout: package data of console.resources (the folder resources/ in the repository), found
#: wherever the package is installed; a Path, as pip installs a wheel unpacked (see resources/__init__.py).
LAYOUT_DIR = Path(str(files("console.resources") / "wallboard"))
DEFAULT_LAYOUT_FILE = LAYOUT_DIR / "default.toml"

Path_ = tuple[str | int, ...]

ROTATE_MIN_S, ROTATE_MAX_S = 3.0, 3600.0
MINUTES_MIN, MINUTES_MAX = 5, 240
ROWS_MAX = 30
COLUMNS_MAX = 12
BURN_IN_MAX_PX = 32
BURN_IN_MIN_EVERY_S = 10.0
THEMES = ("light", "dark")

_TOP_KEYS = ("rotate_s", "sound", "interval_min", "theme", "burn_in", "thresholds", "pages")
_PAGE_KEYS = ("title", "tiles", "columns", "rotate_s")
_TILE_KEYS: dict[TileKind, tuple[str, ...]] = {
    TileKind.QUEUE: ("kind", "queue", "title"),
    TileKind.SUMMARY: ("kind", "title"),
    TileKind.BREACHES: ("kind", "title", "rows"),
    TileKind.CHART: ("kind", "title", "queues", "minutes"),
    TileKind.STAFFING: ("kind", "title", "queue", "rows"),
}
_METRICS = tuple(m.value for m in Metric)
_TODAY_METRICS = tuple(m.value for m in TODAY_METRICS)
_THRESHOLD_KEYS = (*_METRICS, "tile_level", "today", "queues")
_QUEUE_THRESHOLD_KEYS = (*_METRICS, "today")


class LayoutError(Exception):
    """A layout file that cannot be used; ``str()`` is ``FILE:LINE: WHERE: REASON`` in English.

    ``reason`` is the English; ``text`` the same to translate, and ``message(reason)`` the whole
    line around a reason in another language.
    """

    def __init__(self, file: str, line: int | None, where: str, reason: str | Text) -> None:
        self.file = file
        self.line = line
        self.where = where
        self.reason = str(reason)
        self.text = reason if isinstance(reason, Text) else _text("{reason}", reason=reason)
        super().__init__(self.message(self.reason))

    def message(self, reason: str) -> str:
        """``FILE:LINE: WHERE: REASON`` with ``reason`` (the reason as said in the interface language)."""
        place = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{place}: {self.where}: {reason}" if self.where else f"{place}: {reason}"


def _text(template: str, **params: object) -> Text:
    """A reason of the layout checker (context ``WallboardLayout``; the template marked at the call)."""
    return Text("WallboardLayout", template, params)


def _unit(name: str) -> Text:
    """A unit of the limits, as words to translate."""
    units = {
        "seconds": _text(QT_TRANSLATE_NOOP("WallboardLayout", "seconds")),
        "pixels": _text(QT_TRANSLATE_NOOP("WallboardLayout", "pixels")),
        "minutes": _text(QT_TRANSLATE_NOOP("WallboardLayout", "minutes")),
        "columns": _text(QT_TRANSLATE_NOOP("WallboardLayout", "columns")),
        "rows": _text(QT_TRANSLATE_NOOP("WallboardLayout", "rows")),
        "percent": _text(QT_TRANSLATE_NOOP("WallboardLayout", "percent")),
        "calls": _text(QT_TRANSLATE_NOOP("WallboardLayout", "calls")),
    }
    return units[name]


# -- where things are in the file -----------------------------------------------------------------


class _Scanner:
    """Walks a TOML text that tomllib has accepted and notes the line of every key and array element."""

    _BARE = re.compile(r"[A-Za-z0-9_-]+")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path_, int] = {}
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self._aot_next: dict[Path_, int] = {}

    def line(self, pos: int | None = None) -> int:
        return bisect.bisect_left(self._newlines, self.pos if pos is None else pos) + 1

    def note(self, path: Path_, pos: int | None = None) -> None:
        self.lines.setdefault(path, self.line(pos))

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_blank(self, newlines: bool) -> None:
        """Spaces and tabs; with ``newlines`` also line ends and comments."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.pos += 1
            elif ch == "#" and newlines:
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_blank(False)
            ch = self.peek()
            if ch in ('"', "'"):
                start = self.pos
                self.string()
                raw = self.text[start : self.pos]
                try:
                    parts.append(str(tomllib.loads(f"k = {raw}")["k"]))
                except tomllib.TOMLDecodeError:
                    parts.append(raw[1:-1])
            else:
                m = self._BARE.match(self.text, self.pos)
                if m is None:
                    return parts
                parts.append(m.group())
                self.pos = m.end()
            self.skip_blank(False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def string(self) -> None:
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, self.pos):
                i = self.pos + 3
                while True:
                    j = text.find(quote, i)
                    if j < 0:
                        self.pos = len(text)
                        return
                    if quote == '"""' and _escaped(text, j):
                        i = j + 1
                        continue
                    k = j + 3
                    while text.startswith(quote[0], k) and k < j + 5:  # up to two quotes inside the end
                        k += 1
                    self.pos = k
                    return
        quote = text[self.pos]
        i = self.pos + 1
        while i < len(text):
            ch = text[i]
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                break
            i += 1
        self.pos = i + 1

    def value(self, path: Path_) -> None:
        ch = self.peek()
        if ch in ('"', "'"):
            self.string()
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_blank(True)
                if self.peek() in ("]", ""):
                    self.pos += 1
                    return
                self.note((*path, index))
                self.value((*path, index))
                self.skip_blank(True)
                if self.peek() == ",":
                    self.pos += 1
                index += 1
        elif ch == "{":
            self.pos += 1
            while True:
                self.skip_blank(True)
                if self.peek() in ("}", ""):
                    self.pos += 1
                    return
                self.key_value(path)
                self.skip_blank(True)
                if self.peek() == ",":
                    self.pos += 1
        else:  # a number, boolean or date: up to the next separator
            m = re.compile(r"[^,\]}\n#]*").match(self.text, self.pos)
            self.pos = m.end() if m else self.pos + 1

    def key_value(self, table: Path_) -> None:
        start = self.pos
        parts = self.key()
        for k in range(1, len(parts) + 1):
            self.note((*table, *parts[:k]), start)
        self.skip_blank(False)
        if self.peek() == "=":
            self.pos += 1
            self.skip_blank(False)
            self.value((*table, *parts))

    def header(self) -> Path_:
        start = self.pos
        array = self.peek(2) == "[["
        self.pos += 2 if array else 1
        parts = self.key()
        concrete: Path_ = ()
        for k, part in enumerate(parts):
            concrete = (*concrete, part)
            if array and k == len(parts) - 1:
                index = self._aot_next.get(concrete, 0)
                self._aot_next[concrete] = index + 1
                self.note(concrete, start)
                concrete = (*concrete, index)
            elif concrete in self._aot_next:  # inside the latest element of an array of tables
                concrete = (*concrete, self._aot_next[concrete] - 1)
            self.note(concrete, start)
        self.skip_line()
        return concrete

    def scan(self) -> dict[Path_, int]:
        table: Path_ = ()
        while True:
            self.skip_blank(True)
            if self.pos >= len(self.text):
                return self.lines
            if self.peek() == "[":
                table = self.header()
            else:
                before = self.pos
                self.key_value(table)
                if self.pos == before:  # cannot happen in valid TOML; never loop
                    self.skip_line()


def _escaped(text: str, i: int) -> bool:
    """True when the character at ``i`` follows an odd number of backslashes."""
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def key_lines(text: str) -> dict[Path_, int]:
    """The line (from 1) of every key, table and array element of a valid TOML text, by path.

    A path is the keys and indices from the top, e.g. ``("pages", 1, "tiles", 0, "kind")``
    for the ``kind`` of the first tile of the second page, whether written as
    ``[[pages.tiles]]`` tables or an inline array.
    """
    return _Scanner(text).scan()


def where(path: Path_) -> str:
    """A path as the messages write it: ``pages[2].tiles[0].kind``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{name}" if out else name
    return out


# -- reading and checking -------------------------------------------------------------------------


class _Checker:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.lines = key_lines(text)

    def fail(self, path: Path_, reason: Text, at: Path_ | None = None) -> LayoutError:
        """An error about ``path``, placed at the line of ``at`` (default ``path``) or its nearest parent."""
        probe = at if at is not None else path
        line = None
        for k in range(len(probe), 0, -1):
            line = self.lines.get(probe[:k])
            if line is not None:
                break
        return LayoutError(self.file, line, where(path), reason)

    def table(self, value: Any, path: Path_, known: tuple[str, ...], what: Text) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "expected a table ({what}), not {value}"),
                    what=what,
                    value=_kind_of(value),
                ),
            )
        for key in value:
            if key not in known:
                raise self.fail(path, _unknown_key(key, known), at=(*path, key))
        return value

    def number(self, value: Any, path: Path_, lo: float, hi: float, unit: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "expected a number of {unit}, not {value}"),
                    unit=_unit(unit),
                    value=_show(value),
                ),
            )
        if not lo <= value <= hi:
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "{value} is out of range: {lo:g} to {hi:g} {unit}"),
                    value=_show(value),
                    lo=lo,
                    hi=hi,
                    unit=_unit(unit),
                ),
            )
        return float(value)

    def integer(self, value: Any, path: Path_, lo: int, hi: int, unit: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "expected a whole number of {unit}, not {value}"),
                    unit=_unit(unit),
                    value=_show(value),
                ),
            )
        if not lo <= value <= hi:
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "{value} is out of range: {lo} to {hi} {unit}"),
                    value=value,
                    lo=lo,
                    hi=hi,
                    unit=_unit(unit),
                ),
            )
        return value

    def text(self, value: Any, path: Path_, what: Text) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "expected {what} (a non-empty string), not {value}"),
                    what=what,
                    value=_show(value),
                ),
            )
        return value.strip()

    def rotate(self, value: Any, path: Path_) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "expected a number of {unit}, not {value}"),
                    unit=_unit("seconds"),
                    value=_show(value),
                ),
            )
        if value != 0 and not ROTATE_MIN_S <= value <= ROTATE_MAX_S:
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP(
                        "WallboardLayout",
                        "bad rotation interval {value:g} s: 0 (no rotation) or {lo:g} to {hi:g} seconds",
                    ),
                    value=value,
                    lo=ROTATE_MIN_S,
                    hi=ROTATE_MAX_S,
                ),
            )
        return float(value)

    # -- the parts ----------------------------------------------------------------------------

    def layout(self, data: dict[str, Any]) -> Layout:
        self.table(data, (), _TOP_KEYS, _text(QT_TRANSLATE_NOOP("WallboardLayout", "the layout")))
        out: dict[str, Any] = {}
        if "rotate_s" in data:
            out["rotate_s"] = self.rotate(data["rotate_s"], ("rotate_s",))
        if "sound" in data:
            if not isinstance(data["sound"], bool):
                raise self.fail(
                    ("sound",),
                    _text(
                        QT_TRANSLATE_NOOP("WallboardLayout", "expected true or false, not {value}"),
                        value=_show(data["sound"]),
                    ),
                )
            out["sound"] = data["sound"]
        if "interval_min" in data:
            value = data["interval_min"]
            if isinstance(value, bool) or value not in (15, 30):
                raise self.fail(
                    ("interval_min",),
                    _text(
                        QT_TRANSLATE_NOOP("WallboardLayout", "expected 15 or 30 (minutes), not {value}"),
                        value=_show(value),
                    ),
                )
            out["interval_min"] = int(value)
        if "theme" in data:
            if data["theme"] not in THEMES:
                raise self.fail(
                    ("theme",),
                    _text(
                        QT_TRANSLATE_NOOP("WallboardLayout", "unknown theme {value} (known: {known})"),
                        value=_show(data["theme"]),
                        known=", ".join(THEMES),
                    ),
                )
            out["theme"] = data["theme"]
        if "burn_in" in data:
            out["burn_in"] = self.burn_in(data["burn_in"])
        if "thresholds" in data:
            out["thresholds"] = self.thresholds(data["thresholds"])
        if "pages" not in data:
            raise self.fail(
                (),
                _text(
                    QT_TRANSLATE_NOOP(
                        "WallboardLayout", "no pages: add at least one [[pages]] table with its tiles"
                    )
                ),
            )
        pages = data["pages"]
        if not isinstance(pages, list) or not pages:
            raise self.fail(
                ("pages",),
                _text(
                    QT_TRANSLATE_NOOP(
                        "WallboardLayout", "expected a list of pages ([[pages]] tables), at least one"
                    )
                ),
            )
        out["pages"] = tuple(self.page(p, ("pages", i)) for i, p in enumerate(pages))
        return Layout(**out)

    def burn_in(self, value: Any) -> BurnIn:
        path: Path_ = ("burn_in",)
        table = self.table(
            value,
            path,
            ("pixels", "every_s"),
            _text(QT_TRANSLATE_NOOP("WallboardLayout", "burn_in: pixels, every_s")),
        )
        out: dict[str, Any] = {}
        if "pixels" in table:
            out["pixels"] = self.integer(table["pixels"], (*path, "pixels"), 0, BURN_IN_MAX_PX, "pixels")
        if "every_s" in table:
            out["every_s"] = self.number(
                table["every_s"], (*path, "every_s"), BURN_IN_MIN_EVERY_S, 86_400.0, "seconds"
            )
        return BurnIn(**out)

    def page(self, value: Any, path: Path_) -> PageSpec:
        table = self.table(value, path, _PAGE_KEYS, _text(QT_TRANSLATE_NOOP("WallboardLayout", "a page")))
        number = int(path[-1]) + 1
        title = self.text(table["title"], (*path, "title"), _A_TITLE) if "title" in table else f"{number}"
        if "tiles" not in table:
            # Braces doubled: the template goes through str.format.
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP(
                        "WallboardLayout", 'a page needs tiles, e.g. tiles = [{{ kind = "summary" }}]'
                    )
                ),
            )
        tiles = table["tiles"]
        if not isinstance(tiles, list) or not tiles:
            raise self.fail(
                (*path, "tiles"),
                _text(QT_TRANSLATE_NOOP("WallboardLayout", "expected a list of tiles, at least one")),
            )
        columns = None
        if "columns" in table:
            columns = self.integer(table["columns"], (*path, "columns"), 1, COLUMNS_MAX, "columns")
        rotate = self.rotate(table["rotate_s"], (*path, "rotate_s")) if "rotate_s" in table else None
        specs = tuple(self.tile(t, (*path, "tiles", i)) for i, t in enumerate(tiles))
        return PageSpec(title=title, tiles=specs, columns=columns, rotate_s=rotate)

    def tile(self, value: Any, path: Path_) -> TileSpec:
        if not isinstance(value, dict):
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP(
                        "WallboardLayout", 'expected a tile table, e.g. {{ kind = "summary" }}, not {value}'
                    ),
                    value=_show(value),
                ),
            )
        kinds = ", ".join(k.value for k in TileKind)
        if "kind" not in value:
            raise self.fail(
                path,
                _text(QT_TRANSLATE_NOOP("WallboardLayout", "a tile needs a kind ({known})"), known=kinds),
            )
        raw = value["kind"]
        try:
            kind = TileKind(raw)
        except ValueError:
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "unknown tile kind {value} (known: {known})"),
                    value=_show(raw),
                    known=kinds,
                ),
                at=(*path, "kind"),
            ) from None
        known = _TILE_KEYS[kind]
        for key in value:
            if key not in known:
                raise self.fail(
                    path,
                    _text(
                        QT_TRANSLATE_NOOP(
                            "WallboardLayout", "unknown key {key} for a {kind} tile (known: {known})"
                        ),
                        key=repr(key),
                        kind=kind.value,
                        known=", ".join(known),
                    ),
                    at=(*path, key),
                )
        out: dict[str, Any] = {"kind": kind}
        if "title" in value:
            out["title"] = self.text(value["title"], (*path, "title"), _A_TITLE)
        if kind is TileKind.QUEUE:
            if "queue" not in value:
                raise self.fail(
                    path,
                    _text(
                        QT_TRANSLATE_NOOP(
                            "WallboardLayout",
                            'a queue tile needs its queue: queue = "ID", or queue = "{all}" for all',
                        ),
                        all=ALL_QUEUES,
                    ),
                )
            out["queue"] = self.text(value["queue"], (*path, "queue"), _A_QUEUE_ID)
        if kind is TileKind.STAFFING and "queue" in value:
            queue = self.text(value["queue"], (*path, "queue"), _A_QUEUE_ID)
            if queue != ALL_QUEUES:  # "*" is every queue, as leaving it out
                if "rows" in value:
                    raise self.fail(
                        path,
                        _text(
                            QT_TRANSLATE_NOOP(
                                "WallboardLayout",
                                "rows is for a staffing tile of every queue: leave out queue = {queue}"
                                " or rows",
                            ),
                            queue=repr(queue),
                        ),
                        at=(*path, "rows"),
                    )
                out["queue"] = queue
        if "queues" in value:
            queues = value["queues"]
            if not isinstance(queues, list):
                raise self.fail(
                    (*path, "queues"),
                    _text(
                        QT_TRANSLATE_NOOP("WallboardLayout", "expected a list of queue ids, not {value}"),
                        value=_show(queues),
                    ),
                )
            out["queues"] = tuple(
                self.text(q, (*path, "queues", i), _A_QUEUE_ID) for i, q in enumerate(queues)
            )
        if "minutes" in value:
            out["minutes"] = self.integer(
                value["minutes"], (*path, "minutes"), MINUTES_MIN, MINUTES_MAX, "minutes"
            )
        if "rows" in value:
            out["rows"] = self.integer(value["rows"], (*path, "rows"), 1, ROWS_MAX, "rows")
        return TileSpec(**out)

    def thresholds(self, value: Any) -> ThresholdConfig:
        path: Path_ = ("thresholds",)
        table = self.table(
            value, path, _THRESHOLD_KEYS, _text(QT_TRANSLATE_NOOP("WallboardLayout", "thresholds"))
        )
        board = self.metric_limits(table, path)
        out: dict[str, Any] = {"board": board}
        if "tile_level" in table:
            out["tile_level"] = self.tile_level(table["tile_level"], (*path, "tile_level"))
        if "today" in table:
            out["today"] = self.today(table["today"], (*path, "today"))
        queues: dict[str, MetricLimits] = {}
        queues_today: dict[str, MetricLimits] = {}
        if "queues" in table:
            per_queue = table["queues"]
            if not isinstance(per_queue, dict):
                raise self.fail(
                    (*path, "queues"),
                    _text(
                        QT_TRANSLATE_NOOP(
                            "WallboardLayout", "expected tables [thresholds.queues.ID], not {value}"
                        ),
                        value=_show(per_queue),
                    ),
                )
            for qid, limits in per_queue.items():
                where_ = (*path, "queues", qid)
                metrics = _text(QT_TRANSLATE_NOOP("WallboardLayout", "metrics"))
                checked = self.table(limits, where_, _QUEUE_THRESHOLD_KEYS, metrics)
                queues[qid] = self.metric_limits(checked, where_)
                if "today" in checked:
                    queues_today[qid] = self.today(checked["today"], (*where_, "today"))
        return ThresholdConfig(**out, queues=queues, queues_today=queues_today)

    def tile_level(self, value: Any, path: Path_) -> TileLevelRule:
        try:
            return TileLevelRule(value)
        except ValueError:
            raise self.fail(
                path,
                _text(
                    QT_TRANSLATE_NOOP("WallboardLayout", "unknown tile level rule {value} (known: {known})"),
                    value=_show(value),
                    known=", ".join(rule.value for rule in TileLevelRule),
                ),
            ) from None

    def today(self, value: Any, path: Path_) -> MetricLimits:
        """Today's scale: ``service_level`` and ``abandon`` limits, as for the live figures."""
        what = _text(QT_TRANSLATE_NOOP("WallboardLayout", "today's metrics: service_level, abandon"))
        return self.metric_limits(self.table(value, path, _TODAY_METRICS, what), path)

    def metric_limits(self, table: dict[str, Any], path: Path_) -> MetricLimits:
        out: dict[str, Limits] = {}
        for name in _METRICS:
            if name in table:
                out[name] = self.limits(Metric(name), table[name], (*path, name))
        return MetricLimits(**out)

    def limits(self, metric: Metric, value: Any, path: Path_) -> Limits:
        table = self.table(
            value,
            path,
            ("warning", "critical"),
            _text(QT_TRANSLATE_NOOP("WallboardLayout", "warning, critical")),
        )
        hi, unit = {
            Metric.SERVICE_LEVEL: (100.0, "percent"),
            Metric.ABANDON: (100.0, "percent"),
            Metric.LONGEST_WAIT: (86_400.0, "seconds"),
            Metric.WAITING: (100_000.0, "calls"),
        }[metric]
        got = {
            key: self.number(table[key], (*path, key), 0.0, hi, unit)
            for key in ("warning", "critical")
            if key in table
        }
        warning, critical = got.get("warning"), got.get("critical")
        if warning is not None and critical is not None:
            if metric is Metric.SERVICE_LEVEL and critical > warning:
                raise self.fail(
                    path,
                    _text(
                        QT_TRANSLATE_NOOP(
                            "WallboardLayout",
                            "critical ({critical:g}) must be at or below warning ({warning:g}): "
                            "a lower service level is worse",
                        ),
                        critical=critical,
                        warning=warning,
                    ),
                    at=(*path, "critical"),
                )
            if metric is not Metric.SERVICE_LEVEL and critical < warning:
                raise self.fail(
                    path,
                    _text(
                        QT_TRANSLATE_NOOP(
                            "WallboardLayout",
                            "critical ({critical:g}) must be at or above warning ({warning:g})",
                        ),
                        critical=critical,
                        warning=warning,
                    ),
                    at=(*path, "critical"),
                )
        return Limits(warning=warning, critical=critical)


_A_TITLE = _text(QT_TRANSLATE_NOOP("WallboardLayout", "a title"))
_A_QUEUE_ID = _text(QT_TRANSLATE_NOOP("WallboardLayout", "a queue id"))


def _unknown_key(key: str, known: tuple[str, ...]) -> Text:
    return _text(
        QT_TRANSLATE_NOOP("WallboardLayout", "unknown key {key} (known: {known})"),
        key=repr(key),
        known=", ".join(known),
    )


def _kind_of(value: Any) -> str | Text:
    if isinstance(value, list):
        return _text(QT_TRANSLATE_NOOP("WallboardLayout", "a list"))
    if isinstance(value, str):
        return _text(QT_TRANSLATE_NOOP("WallboardLayout", "the string {value}"), value=repr(value))
    return _show(value)


def _show(value: Any) -> str | Text:
    """A value as the messages show it: TOML's words for booleans, Python's repr for the rest."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _text(QT_TRANSLATE_NOOP("WallboardLayout", "a table"))
    if isinstance(value, list):
        return _text(QT_TRANSLATE_NOOP("WallboardLayout", "a list"))
    return repr(value)


_SYNTAX_LINE = re.compile(r"line (\d+)")


def parse_layout(text: str, file: str = "layout.toml") -> Layout:
    """A layout from TOML text; raises LayoutError naming ``file``, the line and the reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _SYNTAX_LINE.search(str(exc))
        if m:
            line: int | None = int(m.group(1))
        elif "end of document" in str(exc):  # e.g. an unclosed array: the last line
            line = max(1, len(text.splitlines()))
        else:
            line = None
        reason = _text(QT_TRANSLATE_NOOP("WallboardLayout", "TOML syntax error: {error}"), error=str(exc))
        raise LayoutError(file, line, "", reason) from None
    return replace(_Checker(text, file).layout(data), source=file)


def load_layout(path: str | Path) -> Layout:
    """Read and check a layout file; raises LayoutError (the file as the user named it)."""
    name = str(path)
    try:
        text = read_input_text(path)  # a regular file of at most 1 MiB: no FIFO, no /dev/zero
    except InputFileError as exc:
        if exc.kind == "not_regular":
            reason = _text(
                QT_TRANSLATE_NOOP("WallboardLayout", "not a regular file ({error}): a layout must be a file"),
                error=exc.detail,
            )
        elif exc.kind == "too_large":
            reason = _text(
                QT_TRANSLATE_NOOP("WallboardLayout", "the layout file is larger than {limit} KiB"),
                limit=MAX_INPUT_BYTES // 1024,
            )
        else:
            reason = _text(
                QT_TRANSLATE_NOOP("WallboardLayout", "cannot read the layout file: {error}"),
                error=exc.reason.removeprefix("cannot read the file: "),
            )
        raise LayoutError(name, None, "", reason) from None
    return parse_layout(text, name)
