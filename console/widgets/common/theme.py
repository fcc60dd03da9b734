"""Light and dark themes: Fusion with a full palette, pyqtgraph matched, and the charts' colours.

Wall displays run all day, so both themes keep contrast high and reserve red and
amber for levels (critical, warning) and the STALE banner; queue lines use
colours that cannot be mistaken for an alarm.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from console.domain.entities import AgentState
from console.domain.figures.queues import Level
from console.widgets.common.fmt import LEVEL_COLORS, STATE_COLORS

THEMES = ("light", "dark")
DEFAULT_THEME = "light"
_PROPERTY = "consoleTheme"  # the current theme's name, kept on the QApplication


@dataclass(frozen=True)
class _Scheme:
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    mid: str
    dark: str
    light: str
    shadow: str
    link: str
    tooltip_base: str
    tooltip_text: str
    placeholder: str
    disabled_text: str
    # charts
    plot_background: str
    plot_foreground: str
    grid_alpha: float


_SCHEMES: dict[str, _Scheme] = {
    "light": _Scheme(
        window="#eef1f5",
        window_text="#1b2430",
        base="#ffffff",
        alternate_base="#f5f7fa",
        text="#1b2430",
        button="#e4e8ee",
        button_text="#1b2430",
        highlight="#1d5fa8",
        highlighted_text="#ffffff",
        mid="#b8c0cc",
        dark="#8a94a3",
        light="#ffffff",
        shadow="#5c6675",
        link="#1d5fa8",
        tooltip_base="#fffbe6",
        tooltip_text="#1b2430",
        placeholder="#8a94a3",
        disabled_text="#9aa3af",
        plot_background="#ffffff",
        plot_foreground="#3b4553",
        grid_alpha=0.18,
    ),
    "dark": _Scheme(
        window="#1c2128",
        window_text="#dfe5ec",
        base="#14181d",
        alternate_base="#1a1f25",
        text="#e6ebf1",
        button="#2a313a",
        button_text="#dfe5ec",
        highlight="#2f7dd1",
        highlighted_text="#ffffff",
        mid="#3a434e",
        dark="#0f1216",
        light="#3d4652",
        shadow="#08090b",
        link="#6aa9ec",
        tooltip_base="#2a313a",
        tooltip_text="#e6ebf1",
        placeholder="#7d8896",
        disabled_text="#6b7480",
        plot_background="#14181d",
        plot_foreground="#b9c3cf",
        grid_alpha=0.22,
    ),
}

# Queue lines: distinct hues that are neither the warning amber nor the critical red.
_QUEUE_COLORS = {
    "light": ["#2563eb", "#0d9488", "#9333ea", "#c026d3", "#65a30d", "#0284c7", "#4f46e5", "#475569"],
    "dark": ["#60a5fa", "#2dd4bf", "#c084fc", "#e879f9", "#a3e635", "#38bdf8", "#818cf8", "#94a3b8"],
}
# The tables' level colours (mid-tones that read on both themes), so a red bar means a red cell.
_LEVELS = {level.value: colour.name() for level, colour in LEVEL_COLORS.items()}


def _check(name: str) -> str:
    if name not in _SCHEMES:
        raise ValueError(f"unknown theme {name!r}; themes are {', '.join(THEMES)}")
    return name


def palette(name: str) -> QPalette:
    """The full palette of a theme, disabled colours included."""
    s = _SCHEMES[_check(name)]
    p = QPalette()
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    colours = {
        role.Window: s.window,
        role.WindowText: s.window_text,
        role.Base: s.base,
        role.AlternateBase: s.alternate_base,
        role.Text: s.text,
        role.Button: s.button,
        role.ButtonText: s.button_text,
        role.BrightText: "#ffffff",
        role.Highlight: s.highlight,
        role.HighlightedText: s.highlighted_text,
        role.Mid: s.mid,
        role.Midlight: s.light,
        role.Dark: s.dark,
        role.Light: s.light,
        role.Shadow: s.shadow,
        role.Link: s.link,
        role.LinkVisited: s.link,
        role.ToolTipBase: s.tooltip_base,
        role.ToolTipText: s.tooltip_text,
        role.PlaceholderText: s.placeholder,
    }
    for r, c in colours.items():
        p.setColor(group.All, r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText, role.HighlightedText):
        p.setColor(group.Disabled, r, QColor(s.disabled_text))
    p.setColor(group.Disabled, role.Highlight, QColor(s.mid))
    return p


def apply_theme(app: QApplication, name: str) -> None:
    """Fusion style, the theme's palette, and pyqtgraph defaults to match (for plots made later)."""
    s = _SCHEMES[_check(name)]
    app.setStyle("Fusion")
    app.setPalette(palette(name))
    pg.setConfigOptions(background=s.plot_background, foreground=s.plot_foreground, antialias=True)
    app.setProperty(_PROPERTY, name)


def current_theme() -> str:
    """The theme last applied to the application (the default before any)."""
    app = QApplication.instance()
    name = app.property(_PROPERTY) if app is not None else None
    return name if isinstance(name, str) and name in _SCHEMES else DEFAULT_THEME


def chart_pens(name: str) -> dict[str, object]:
    """Colours the charts draw with, as ``#rrggbb`` strings.

    ``queues``: list, assigned to queues in the gateway's order; ``states``: agent
    state group -> colour, the agent board's; ``levels``: ok/warning/critical, the
    tables'; plus ``background``, ``foreground``, ``grid_alpha``, ``target``,
    ``breach`` and ``in_progress`` (the interval not yet complete).
    """
    s = _SCHEMES[_check(name)]
    levels = dict(_LEVELS)
    states = {  # the agent board's colours; ringing is drawn with on call
        "on_call": STATE_COLORS[AgentState.ON_CALL].name(),
        "wrap_up": STATE_COLORS[AgentState.WRAP_UP].name(),
        "available": STATE_COLORS[AgentState.AVAILABLE].name(),
        "not_ready": STATE_COLORS[AgentState.NOT_READY].name(),
    }
    return {
        "background": s.plot_background,
        "foreground": s.plot_foreground,
        "grid_alpha": s.grid_alpha,
        "queues": list(_QUEUE_COLORS[name]),
        "states": states,
        "levels": dict(levels),
        "target": s.text,
        "breach": levels["critical"],
        "in_progress": s.mid,
    }


def level_color(name: str, level: str) -> str:
    """The colour of a level (``ok``, ``warning``, ``critical``), as the tables show it."""
    _check(name)
    return _LEVELS[Level(level).value]


def banner_colors(name: str) -> dict[str, str]:
    """The STALE banner: the same strong red in both themes, and amber while first connecting."""
    _check(name)
    return {"stale_bg": "#b91c1c", "stale_fg": "#ffffff", "waiting_bg": "#b45309", "waiting_fg": "#ffffff"}
