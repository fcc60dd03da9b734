"""Shared formatting for the tables: durations, percentages, times of day, level and state colours.

Only presentation lives here; every number and level comes from ``console.domain``.
Levels are never shown by colour alone: each has its own shape (● ok, ▲ warning,
■ critical) drawn in its colour, and the colours are mid-tones that read on the
light and the dark theme alike. Every word a user reads goes through Qt's
translation (context ``fmt``, literal strings so lupdate finds them).
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

from console.domain.actions import ActionName
from console.domain.businessday import date_time_text, known_zone
from console.domain.entities import AgentState
from console.domain.figures.queues import Level
from console.domain.permissions import Role

DASH = "–"  # shown for "nothing counted yet", never a made-up zero

#: Mid-tone level colours: legible as icons and text on white and on near-black.
LEVEL_COLORS: dict[Level, QColor] = {
    Level.OK: QColor("#2f9e44"),
    Level.WARNING: QColor("#e8890c"),
    Level.CRITICAL: QColor("#e03131"),
}

#: Agent state colours. Amber and red stay reserved for levels, so "not ready" is rose, not orange.
STATE_COLORS: dict[AgentState, QColor] = {
    AgentState.AVAILABLE: QColor("#16a34a"),
    AgentState.RINGING: QColor("#0891b2"),
    AgentState.ON_CALL: QColor("#2563eb"),
    AgentState.WRAP_UP: QColor("#7c3aed"),
    AgentState.NOT_READY: QColor("#db2777"),
    AgentState.OFFLINE: QColor("#6b7280"),
}

_TINT_ALPHA = 64  # a level tint over the view's own base colour keeps the palette's text readable


def duration(seconds: float | None) -> str:
    """``0:07``, ``12:05``, ``1:02:03``; ``–`` for None.

    Whole seconds, truncated, so a value that grows never reads as a step back.
    """
    if seconds is None:
        return DASH
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return "-" + text if seconds < 0 and total else text


def span(seconds: float | None) -> str:
    """Time to or since a deadline: like ``duration`` within a day, ``2 d 4 h`` beyond."""
    if seconds is None:
        return DASH
    total = int(abs(seconds))
    if total < 86_400:
        return duration(seconds)
    days, rest = divmod(total, 86_400)
    text = QCoreApplication.translate("fmt", "{d} d {h} h").format(d=days, h=rest // 3600)
    return "-" + text if seconds < 0 else text


def signed(n: int) -> str:
    """+3, −2, 0: a whole number with its sign (a true minus sign), as staffing gaps are shown."""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "0")


def percent(value: float | None) -> str:
    """``87.5%``; ``–`` when nothing has been counted."""
    return DASH if value is None else f"{value:.1f}%"


def clock_time(ms: int | None, tz: str | None = None) -> str:
    """A feed-clock instant as a time of day ``HH:MM:SS``.

    ``tz`` names a time zone (pass the centre's, as the status bar and charts do);
    None, or a zone this machine does not know, uses the workstation's local time.
    """
    if ms is None:
        return DASH
    zone = known_zone(tz) if tz else None
    return datetime.fromtimestamp(ms / 1000.0, zone).strftime("%H:%M:%S")


def day_label(day: date) -> str:
    """A business day with its weekday, e.g. "Mon 2026-02-23" (translated)."""
    names = (
        QCoreApplication.translate("fmt", "Mon"),
        QCoreApplication.translate("fmt", "Tue"),
        QCoreApplication.translate("fmt", "Wed"),
        QCoreApplication.translate("fmt", "Thu"),
        QCoreApplication.translate("fmt", "Fri"),
        QCoreApplication.translate("fmt", "Sat"),
        QCoreApplication.translate("fmt", "Sun"),
    )
    return QCoreApplication.translate("fmt", "{weekday} {date}").format(
        weekday=names[day.weekday()], date=day.isoformat()
    )


def date_time(ms: int | None, tz: str | None = None) -> str:
    """A feed-clock instant as ``YYYY-MM-DD HH:MM:SS`` (when a time of day alone would be ambiguous)."""
    if ms is None:
        return DASH
    return date_time_text(ms, known_zone(tz) if tz else None)


def level_label(level: Level) -> str:
    """The level in words (for tooltips and screen readers)."""
    if level is Level.CRITICAL:
        return QCoreApplication.translate("fmt", "Critical")
    if level is Level.WARNING:
        return QCoreApplication.translate("fmt", "Warning")
    return QCoreApplication.translate("fmt", "OK")


def level_tint(level: Level) -> QColor | None:
    """A translucent background for a cell that needs attention; None when it does not."""
    if level is Level.OK:
        return None
    tint = QColor(LEVEL_COLORS[level])
    tint.setAlpha(_TINT_ALPHA)
    return tint


_ICONS: dict[str, QIcon] = {}  # drawn once a QGuiApplication exists, then reused by every cell


def _draw(kind: str, colour: QColor) -> QIcon:
    icon = QIcon()
    for size in (16, 32):  # crisp on ordinary and high-DPI wall displays
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        outline = QPen(colour.darker(160))
        outline.setWidthF(size / 16)
        p.setPen(outline)
        p.setBrush(colour)
        m = size * 0.12
        if kind == "triangle":
            p.drawPolygon(
                QPolygonF([QPointF(size / 2, m), QPointF(size - m, size - m), QPointF(m, size - m)])
            )
        elif kind == "square":
            p.drawRect(int(m) + 1, int(m) + 1, int(size - 2 * m) - 2, int(size - 2 * m) - 2)
        else:  # a dot: smaller than the level shapes
            d = size * 0.28
            p.drawEllipse(QPointF(size / 2, size / 2), size / 2 - d, size / 2 - d)
        p.end()
        icon.addPixmap(pix)
    return icon


def level_icon(level: Level) -> QIcon:
    """The level's shape in its colour: ● ok, ▲ warning, ■ critical."""
    key = f"level:{level.value}"
    icon = _ICONS.get(key)
    if icon is None:
        shape = {Level.WARNING: "triangle", Level.CRITICAL: "square"}.get(level, "dot")
        icon = _ICONS[key] = _draw(shape, LEVEL_COLORS[level])
    return icon


def dot_icon(colour: str) -> QIcon:
    """A small round swatch of ``colour`` (``#rrggbb``), e.g. an agent's state."""
    key = f"dot:{colour}"
    icon = _ICONS.get(key)
    if icon is None:
        icon = _ICONS[key] = _draw("dot", QColor(colour))
    return icon


def state_label(state: AgentState) -> str:
    """The agent state in a supervisor's words."""
    labels = {
        AgentState.AVAILABLE: QCoreApplication.translate("fmt", "Available"),
        AgentState.RINGING: QCoreApplication.translate("fmt", "Ringing"),
        AgentState.ON_CALL: QCoreApplication.translate("fmt", "On call"),
        AgentState.WRAP_UP: QCoreApplication.translate("fmt", "Wrap-up"),
        AgentState.NOT_READY: QCoreApplication.translate("fmt", "Not ready"),
        AgentState.OFFLINE: QCoreApplication.translate("fmt", "Logged out"),
    }
    return labels.get(state, str(state))


def reason_label(reason: str | None) -> str:
    """A not-ready reason code in words; an unknown code is shown tidied, never hidden."""
    if not reason:
        return ""
    labels = {
        "break": QCoreApplication.translate("fmt", "Break"),
        "lunch": QCoreApplication.translate("fmt", "Lunch"),
        "training": QCoreApplication.translate("fmt", "Training"),
        "meeting": QCoreApplication.translate("fmt", "Meeting"),
        "coaching": QCoreApplication.translate("fmt", "Coaching"),
        "system_problem": QCoreApplication.translate("fmt", "System problem"),
        "supervisor": QCoreApplication.translate("fmt", "Supervisor"),
    }
    return labels.get(reason) or reason.replace("_", " ").capitalize()


def case_status_label(status: str) -> str:
    """A case status in a supervisor's words; an unknown status is shown tidied, never hidden."""
    labels = {
        "intake": QCoreApplication.translate("fmt", "Intake"),
        "triage": QCoreApplication.translate("fmt", "Triage"),
        "referred": QCoreApplication.translate("fmt", "Referred"),
        "awaiting_customer": QCoreApplication.translate("fmt", "Awaiting customer"),
        "resolution": QCoreApplication.translate("fmt", "Resolution"),
        "callback": QCoreApplication.translate("fmt", "Callback"),
        "closed": QCoreApplication.translate("fmt", "Closed"),
    }
    return labels.get(str(status)) or str(status).replace("_", " ").capitalize()


def role_label(role: str) -> str:
    """A user's role (a ``Role`` value, as the gateway sends it) in words; an unknown one as sent."""
    labels: dict[str, str] = {
        Role.VIEWER: QCoreApplication.translate("Role", "viewer"),
        Role.SUPERVISOR: QCoreApplication.translate("Role", "supervisor"),
        Role.MANAGER: QCoreApplication.translate("Role", "manager"),
        Role.QUALITY: QCoreApplication.translate("Role", "quality"),
        Role.ADMIN: QCoreApplication.translate("Role", "admin"),
    }
    return labels.get(role, role)


def action_label(action: str) -> str:
    """A command's wire name (an ``ActionName``) as the user reads it: "Flagged call", not ``call.flag``.

    The one mapping for every ``ActionName`` (a test holds it to the enum); a name this console does
    not know (a newer gateway's) is shown tidied, never hidden.
    """
    labels: dict[str, str] = {  # ActionName members are their wire strings
        ActionName.SET_AGENT_STATE: QCoreApplication.translate("fmt", "Set agent state"),
        ActionName.REASSIGN_CASES: QCoreApplication.translate("fmt", "Reassigned cases"),
        ActionName.UNDO_REASSIGN: QCoreApplication.translate("fmt", "Undid a reassignment"),
        ActionName.MOVE_CALL: QCoreApplication.translate("fmt", "Moved call"),
        ActionName.FLAG_CALL: QCoreApplication.translate("fmt", "Flagged call"),
        ActionName.UPDATE_FLAG: QCoreApplication.translate("fmt", "Updated flag"),
        ActionName.QUERY_CALLS: QCoreApplication.translate("fmt", "Looked up calls"),
        ActionName.SET_AGENT_QUEUES: QCoreApplication.translate("fmt", "Set agents' queues"),
    }
    return labels.get(action) or action.replace("_", " ").replace(".", " ").capitalize()


def agent_label(name: str | None, agent_id: str) -> str:
    """``Li Lei (A002)``; the bare id when the agent is not on the roster."""
    return f"{name} ({agent_id})" if name else agent_id


def menu_text(text: str) -> str:
    """A text built from data (a queue's name, a reason, a label) made safe for a menu or button.

    Qt reads ``&`` in an action's or a button's text as the mark of its mnemonic, so
    "Transfers & remittances" would show as "Transfers _remittances"; ``&&`` shows one ``&``.
    Every action, menu and button text that holds data goes through this.
    """
    return text.replace("&", "&&")
