"""The agent board: every agent's state, time in state, call, open cases and pending change.

One row per agent in the floor state's order (stable: a row never jumps because
its agent changed). Floor updates touch only the agents a ``ChangeSet`` names;
agents that come and go are inserted and removed; the time-in-state column
ticks with one ``dataChanged`` over the column on every clock tick. Time in
state is read from the feed clock, and its level (a 20-minute break is not a
2-minute one) comes from ``figures.queues.time_in_state_level``.

A row holds each column's raw values (what its cell is formatted from, and all
of it), so an update only compares plain values; cells are formatted when a
view asks for them, and kept with the row they were made from. While the feed
catches up on a backlog, updates are merged by ``CatchUpThrottle``, and a
merged refresh runs in turns of its own, ``REFRESH_CHUNK`` agents' rows a turn
(in the board's order), so a floor of 5,000 changed agents is never one long
stall; the agents not done yet are refreshed in the next turns, before anything
else the throttle holds. The rows a chunk changed are signalled with the last
chunk, once: signalled chunk by chunk, the board's viewport repainted after
each, and a catch-up painted it twice as often.

While a menu or a dialog is open for an agent (``AgentBoard.pin``) the rows
hold still under the pointer: the proxy stops re-sorting and re-filtering on
changes (an agent going on a call stays in its row, even under a state filter
or a sort by time) until the last pin is released; the pinned agent stays
selected, by id.

Sorting and filtering happen in ``AgentFilterProxy`` (numeric sort keys in
``SORT_ROLE``), so the model's order, selections and scroll positions stay put.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.application.floor_source import FloorSource
from console.domain.assignment import over_case_limit
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import Agent, AgentState
from console.domain.figures.queues import STATE_LIMITS_S, Level, state_limits_of, time_in_state_level
from console.domain.flags import agents_with_open_flags
from console.widgets.common.combos import refill as _refill
from console.widgets.common.combos import select_data as _select_data
from console.widgets.common.combos import shrinkable
from console.widgets.common.dnd import CASES_MIME, cases_from_mime
from console.widgets.common.fmt import DASH, STATE_COLORS, duration, reason_label, state_label
from console.widgets.common.rowsync import (
    SORT_ROLE,
    Cell,
    CellTableModel,
    setup_table,
    show_row,
    size_columns,
)
from console.widgets.common.throttle import CatchUpThrottle

#: The agent id of a row (drag-and-drop and context menus use it).
AGENT_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1

#: Display order of states, for sorting the State column and the state filter.
STATE_ORDER = (
    AgentState.AVAILABLE,
    AgentState.RINGING,
    AgentState.ON_CALL,
    AgentState.WRAP_UP,
    AgentState.NOT_READY,
    AgentState.OFFLINE,
)
_STATE_RANK = {s: i for i, s in enumerate(STATE_ORDER)}


class Col(IntEnum):
    """Columns, what a supervisor scans first on the left: who, state, for how long, on what."""

    AGENT = 0
    STATE = 1
    REASON = 2
    TIME = 3
    CALL = 4
    QUEUE = 5
    CASES = 6
    PENDING = 7
    TEAM = 8
    ID = 9


#: The columns in order, once (iterating the enum per row is not free).
_COLS = tuple(Col)
_NCOLS = len(_COLS)
_C_AGENT, _C_STATE, _C_REASON, _C_TIME, _C_CALL, _C_QUEUE, _C_CASES, _C_PENDING, _C_TEAM, _C_ID = (
    int(c) for c in _COLS
)

#: A merged refresh in a turn of its own does at most this many agents' rows (10-15 ms); the
#: rest go on in the next turns (``CatchUpThrottle.more``). A whole floor's (5,000 agents, 30-50 ms
#: with the paint after it) was the longest turn of a catch-up.
REFRESH_CHUNK = 2000

# Hidden row elements, after the columns: what the filters and the time column read.
_ID, _TEAM, _SKILLS, _STATE, _REASON, _SINCE, _FOLDED = range(_NCOLS, _NCOLS + 7)


class AgentBoardModel(CellTableModel):
    """Agents keyed by id, in the floor state's order."""

    rosterChanged = Signal()  # agents came or went, or queues changed: filter choices may differ
    casesDropped = Signal(str, object)  # agent id, {case id: version}: cases dropped on an agent's row

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_ID], numeric=(Col.TIME, Col.CASES), parent=parent)
        titles = {
            Col.AGENT: self.tr("Agent"),
            Col.STATE: self.tr("State"),
            Col.REASON: self.tr("Reason"),
            Col.TIME: self.tr("Time in state"),
            Col.CALL: self.tr("Call"),
            Col.QUEUE: self.tr("Queue"),
            Col.CASES: self.tr("Open cases"),
            Col.PENDING: self.tr("Pending"),
            Col.TEAM: self.tr("Team"),
            Col.ID: self.tr("Id"),
        }
        self.set_headers([titles[c] for c in Col])
        self.set_header_tip(Col.TIME, self.tr("Time in the current state, on the feed clock"))
        self.set_header_tip(Col.PENDING, self.tr("A supervisor's change that waits for the call to end"))
        self._source = source
        self._queue_names: dict[str, str] = {}
        self._case_limit = source.state.centre.case_limit
        self._time_cells: dict[str, Cell] = {}  # by agent id; cleared on every tick and update
        # How long a state may last (the console's alert thresholds over the domain's table).
        self.state_limits: dict[str, tuple[float, float]] = dict(STATE_LIMITS_S)
        # Cells formatted so far, by agent id, with the row they were formatted from (valid while
        # that very row is the agent's): filled as views ask, never for rows nobody looks at.
        self._cells: dict[str, tuple[tuple[Any, ...], list[Cell | None]]] = {}
        self._state_cells = {
            s: Cell(state_label(s), dot=STATE_COLORS[s].name(), sort=_STATE_RANK.get(s, len(STATE_ORDER)))
            for s in AgentState
        }
        self._flagged: set[str] = set()  # agents with a quality flag raised today and not closed (⚑)
        self._owed: set[str] = set()  # agents whose rows a chunked refresh has still to do
        self._unsignalled: dict[int, list[int]] = {}  # cells the chunks changed, signalled with the last
        self.accept_case_drops = True  # False where the role may not reassign (a courtesy)
        # While the feed catches up on a backlog, at most a few refreshes a second (merged).
        self._throttle = CatchUpThrottle(source, self.on_floor_updated, parent=self)
        source.floorUpdated.connect(self._throttle.on_floor_updated)
        source.clockTicked.connect(self.on_clock_ticked)
        self.reload()

    # -- updating --------------------------------------------------------------------

    def reload(self) -> None:
        """Diff every agent against the rows (used at start, on resets and when agents come and go)."""
        self._throttle.flush()  # what is held back is part of what is diffed here
        state = self._source.state
        self._queue_names = {q.id: q.name for q in state.queues.values()}
        self._case_limit = state.centre.case_limit
        self._flagged = agents_with_open_flags(state.flags.values(), state.centre.day_started_at)
        self._time_cells.clear()
        self._owed.clear()  # every row is diffed now
        self._signal_chunks()  # rows are about to move: what the chunks changed, by the rows as they are
        self.rows.sync([self._row(a) for a in state.agents.values()])
        self._time_cells.clear()  # views may have read cells between the steps of the sync
        self._cells.clear()  # (entries are checked against their row; this drops agents gone)
        self.rosterChanged.emit()

    def on_floor_updated(self, changes: ChangeSet) -> None:
        state = self._source.state
        names = {q.id: q.name for q in state.queues.values()}
        if changes.reset or changes.agents_added or changes.agents_removed or names != self._queue_names:
            self.reload()
            return
        ids = set(changes.agents)
        if changes.flags:  # the ⚑ mark: agents whose open flags of today came or went
            flagged = agents_with_open_flags(state.flags.values(), state.centre.day_started_at)
            ids |= flagged ^ self._flagged
            self._flagged = flagged
        for call_id in changes.calls_changed:  # a call moved to another queue changes its agent's row
            call = state.calls.get(call_id)
            if call is not None and call.agent_id:
                ids.add(call.agent_id)
        ids |= self._owed
        self._owed = set()
        if self._throttle.in_turn and len(ids) > REFRESH_CHUNK:
            # A turn of its own: a chunk of rows, in the board's order, the rest in the next turns.
            ordered = [i for i in state.agents if i in ids]
            ids = set(ordered[:REFRESH_CHUNK])
            self._owed = set(ordered[REFRESH_CHUNK:])
            if self._owed:
                self._throttle.more()
        self._time_cells.clear()
        rows = [self._row(state.agents[i]) for i in ids if i in state.agents]
        self.rows.update_later(rows, self._unsignalled)
        if not self._owed:  # the last chunk (or the only one): everything the chunks changed, once
            self._signal_chunks()
        self._time_cells.clear()

    def _signal_chunks(self) -> None:
        changed, self._unsignalled = self._unsignalled, {}
        self.rows.emit_changed(changed)

    def on_clock_ticked(self) -> None:
        # The board is current before the times tick; while catching up, in a turn of its own.
        self._throttle.tick(self._tick_times)

    def _tick_times(self) -> None:
        self._time_cells.clear()
        self.rows.emit_column(Col.TIME)

    def set_state_limits(self, limits: dict[str, tuple[float, float]]) -> None:
        """How long each state (and not-ready reason) may last before its time reads warning, critical."""
        self.state_limits = dict(limits)
        self._tick_times()

    def _row(self, a: Agent) -> tuple[object, ...]:
        """The agent's row: per column the raw values its cell is formatted from, then hidden data."""
        state = self._source.state
        call = state.calls.get(a.call_id) if a.call_id else None
        if call is not None:
            queue_id: str | None = call.queue_id
            wrapping = False
        else:
            queue_id = a.last_queue_id if a.state is AgentState.WRAP_UP else None
            wrapping = bool(queue_id)
        queue = self._queue_names.get(queue_id, queue_id) if queue_id else ""
        since = to_ms(a.state_since) if a.state_since else None
        limit = self._case_limit
        return (
            (a.name, a.id in self._flagged),  # AGENT
            a.state,  # STATE
            a.reason,  # REASON
            (a.state, a.reason, since),  # TIME: the time cell is computed from this at paint time
            a.call_id or "",  # CALL
            (queue or "", wrapping),  # QUEUE
            (a.open_cases, limit if over_case_limit(a.open_cases, limit) else None),  # CASES
            (a.pending_state, a.pending_reason),  # PENDING
            a.team,  # TEAM
            a.id,  # ID
            # hidden
            a.id,
            a.team,
            tuple(a.skills),
            a.state,
            a.reason,
            since,
            f"{a.name}\n{a.id}".casefold(),
        )

    def _format(self, column: int, value: Any) -> Cell:
        """The cell of ``column`` for its raw ``value`` (as ``_row`` put it)."""
        if column == _C_AGENT:
            name, flagged = value
            if flagged:
                return Cell(f"⚑ {name}", tip=self.tr("A quality flag raised today is open"), sort=name)
            return Cell(name)
        if column == _C_STATE:
            return self._state_cells[value]
        if column == _C_REASON:
            return Cell(reason_label(value))
        if column == _C_QUEUE:
            queue, wrapping = value
            return Cell(queue, tip=self.tr("Wrapping up a call from this queue") if wrapping else "")
        if column == _C_CASES:
            return self._cases_cell(*value)
        if column == _C_PENDING:
            return Cell(self._pending(*value))
        return Cell(value)  # CALL, TEAM, ID: the text itself

    def _cases_cell(self, open_cases: int, limit: int | None) -> Cell:
        if limit is not None:  # over the limit
            tip = self.tr("{n} open cases: over the centre's limit of {limit}").format(
                n=open_cases, limit=limit
            )
            return Cell(str(open_cases), Level.WARNING, tip, open_cases)
        return Cell(str(open_cases), sort=open_cases)

    def _pending(self, pending_state: AgentState | None, pending_reason: str | None) -> str:
        if pending_state is None:
            return ""
        target = state_label(pending_state)
        if pending_reason:
            return self.tr("→ {state} ({reason})").format(state=target, reason=reason_label(pending_reason))
        return self.tr("→ {state}").format(state=target)

    # -- reading ---------------------------------------------------------------------

    def cell(self, row: int, column: int) -> Cell:
        r = self.rows.rows[row]
        if column != _C_TIME:
            entry = self._cells.get(r[_ID])
            if entry is None or entry[0] is not r:  # never formatted, or from a row since replaced
                entry = self._cells[r[_ID]] = (r, [None] * _NCOLS)
            cells = entry[1]
            cell = cells[column]
            if cell is None:
                cell = cells[column] = self._format(column, r[column])
            return cell
        cached = self._time_cells.get(r[_ID])
        if cached is None:
            cached = self._time_cells[r[_ID]] = self._time_cell(r)
        return cached

    def _time_cell(self, r: tuple[Any, ...]) -> Cell:
        state: AgentState = r[_STATE]
        reason: str | None = r[_REASON]
        since: int | None = r[_SINCE]
        now = self._source.feed_clock_ms()
        if since is None or now is None:
            return Cell(DASH, sort=-1.0)
        seconds = max(0.0, (now - since) / 1000.0)
        level = time_in_state_level(state, reason, seconds, self.state_limits)
        what = reason_label(reason) if state is AgentState.NOT_READY and reason else state_label(state)
        if level is Level.OK:
            return Cell(duration(seconds), sort=seconds)
        limit = self._limit(state, reason, level)
        if level is Level.CRITICAL:
            tip = self.tr("{what} for {time}: past the {limit} limit").format(
                what=what, time=duration(seconds), limit=duration(limit)
            )
        else:
            tip = self.tr("{what} for {time}: past the {limit} warning point").format(
                what=what, time=duration(seconds), limit=duration(limit)
            )
        return Cell(duration(seconds), level, tip, seconds)

    def _limit(self, state: AgentState, reason: str | None, level: Level) -> float | None:
        # Only to quote the limit in the tooltip; the level itself is the domain's.
        limits = state_limits_of(state, reason, self.state_limits)
        if limits is None:
            return None
        return limits[1] if level is Level.CRITICAL else limits[0]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == AGENT_ID_ROLE:
            if index.isValid() and 0 <= index.row() < len(self.rows):
                return self.rows.rows[index.row()][_ID]
            return None
        return super().data(index, role)

    # -- dropping cases on an agent ----------------------------------------------------

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.accept_case_drops:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CASES_MIME]

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        return (
            self.accept_case_drops
            and self._drop_target(row, parent) is not None
            and data.hasFormat(CASES_MIME)
        )

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Cases dropped on an agent's row: ``casesDropped`` asks for the reassignment (none moves here)."""
        agent_id = self._drop_target(row, parent) if self.accept_case_drops else None
        versions = cases_from_mime(data)
        if agent_id is None or not versions:
            return False
        self.casesDropped.emit(agent_id, versions)
        return True

    def _drop_target(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> str | None:
        if parent.isValid():  # dropped on a row
            row = parent.row()
        if 0 <= row < len(self.rows):
            return self.agent_id_at(row)
        return None

    def agent_id_at(self, row: int) -> str:
        agent_id: str = self.rows.rows[row][_ID]
        return agent_id

    def filter_fields(self, row: int) -> tuple[str, tuple[str, ...], AgentState, str]:
        """Team, skills, state and the case-folded "name\\nid" of a row, for the filter proxy."""
        r = self.rows.rows[row]
        return r[_TEAM], r[_SKILLS], r[_STATE], r[_FOLDED]

    def teams(self) -> list[str]:
        return sorted({r[_TEAM] for r in self.rows.rows})


class AgentFilterProxy(QSortFilterProxyModel):
    """Filters by team, skilled queue, state and a name/id search; sorts by ``SORT_ROLE``.

    Re-filtering and re-sorting on changes (``dynamicSortFilter``) is on only while a filter
    or a sort is set (and no pin holds the rows still): with neither, a change cannot move
    or hide a row, and Qt would still ask ``filterAcceptsRow`` (Python) for every row a
    ``dataChanged`` spans: 5,000 calls, 7-9 ms, for each tick of the time column and each
    merged refresh of a big floor.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.team: str | None = None
        self.queue_id: str | None = None
        self.state: AgentState | None = None
        self.search = ""
        self._open = True  # no filter set: every row passes (asked per row on every update and tick)
        self._held = False  # a pin holds the rows still: no re-sorting or re-filtering on changes
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)  # names sort as people expect
        self._follow_changes()

    def hold(self, held: bool) -> None:
        """Hold the rows still (a menu or dialog is open for an agent), or follow changes again."""
        self._held = held
        self._follow_changes()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().sort(column, order)
        self._follow_changes()

    def _follow_changes(self) -> None:
        """Re-filter and re-sort on changes only where a change can hide or move a row."""
        wanted = not self._held and (not self._open or self.sortColumn() >= 0)
        if self.dynamicSortFilter() != wanted:
            self.setDynamicSortFilter(wanted)

    def set_team(self, team: str | None) -> None:
        self._set("team", team or None)

    def set_queue(self, queue_id: str | None) -> None:
        self._set("queue_id", queue_id or None)

    def set_state(self, state: AgentState | None) -> None:
        self._set("state", state)

    def set_search(self, text: str) -> None:
        self._set("search", text.strip().casefold())

    def _set(self, name: str, value: object) -> None:
        if getattr(self, name) == value:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            self._assign(name, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._assign(name, value)
            self.invalidateRowsFilter()
        self._follow_changes()

    def _assign(self, name: str, value: object) -> None:
        setattr(self, name, value)
        self._open = self.team is None and self.queue_id is None and self.state is None and not self.search

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._open:
            return True
        model = self.sourceModel()
        if not isinstance(model, AgentBoardModel) or not 0 <= source_row < len(model.rows):
            return True
        team, skills, state, folded = model.filter_fields(source_row)
        return (
            (self.team is None or team == self.team)
            and (self.queue_id is None or self.queue_id in skills)
            and (self.state is None or state is self.state)
            and (not self.search or self.search in folded)
        )


class AgentBoard(QWidget):
    """The agent table with its filter bar (team, queue, state, search).

    Cases dragged from the cases view drop on an agent's row (``casesDropped``);
    a right click asks for the agent's menu (``menuRequested``); a double click
    asks for the agent's day (``timelineRequested``).
    """

    casesDropped = Signal(str, object)  # agent id, {case id: version}
    menuRequested = Signal(str, QPoint)  # agent id, global position
    timelineRequested = Signal(str)  # agent id: show today's timeline

    def __init__(self, source: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._pins: list[str] = []
        self._model = AgentBoardModel(source, self)
        self._proxy = AgentFilterProxy(self)
        self._proxy.setSourceModel(self._model)

        self.team_combo = QComboBox(self)
        self.team_combo.setObjectName("agentTeamFilter")
        self.queue_combo = QComboBox(self)
        self.queue_combo.setObjectName("agentQueueFilter")
        self.state_combo = QComboBox(self)
        self.state_combo.setObjectName("agentStateFilter")
        for combo in (self.team_combo, self.queue_combo, self.state_combo):
            shrinkable(combo, 4)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("agentSearch")
        self.search_edit.setPlaceholderText(self.tr("Search name or id"))
        self.search_edit.setClearButtonEnabled(True)
        # The filters give way before the search box does: never down to "S…" in a narrow dock.
        self.search_edit.setMinimumWidth(
            self.search_edit.fontMetrics().horizontalAdvance(self.search_edit.placeholderText()) + 40
        )
        self.state_combo.addItem(self.tr("All states"), None)
        for s in STATE_ORDER:
            self.state_combo.addItem(state_label(s), s.value)
        self._fill_choices()

        self._view = QTableView(self)
        self._view.setObjectName("agentBoardTable")
        self._view.setModel(self._proxy)
        setup_table(self._view)
        header = self._view.horizontalHeader()
        size_columns(
            self._view,
            (
                (Col.AGENT, 120),
                (Col.STATE, 104),
                (Col.REASON, 100),
                (Col.TIME, 84),
                (Col.CALL, 86),
                (Col.QUEUE, 150),
                (Col.CASES, 76),
                (Col.TEAM, 170),
                (Col.ID, 64),
            ),
            default=90,
        )
        # The reason after the call: who, state, for how long and on what call fit a narrow dock.
        header.moveSection(header.visualIndex(Col.REASON), header.visualIndex(Col.CALL))
        header.setSortIndicatorClearable(True)  # a third click returns to the floor's own order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._view.setSortingEnabled(True)
        # Many changed rows go out as one spanning dataChanged, unless sorted (the proxy re-sorts the span).
        self._model.rows.may_span = lambda: self._proxy.sortColumn() < 0
        # Cases from the cases view are dropped onto an agent's row.
        self._view.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self._view.setDragDropOverwriteMode(True)  # on a row, never between rows
        self._view.setDropIndicatorShown(True)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._view.customContextMenuRequested.connect(self._menu)
        self._view.doubleClicked.connect(self._double_clicked)
        self._model.casesDropped.connect(self.casesDropped)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.team_combo, 1)
        bar.addWidget(self.queue_combo, 1)
        bar.addWidget(self.state_combo, 1)
        bar.addWidget(self.search_edit, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self._view, 1)

        self.team_combo.currentIndexChanged.connect(
            lambda _i: self.set_team_filter(self.team_combo.currentData())
        )
        self.queue_combo.currentIndexChanged.connect(
            lambda _i: self.set_queue_filter(self.queue_combo.currentData())
        )
        self.state_combo.currentIndexChanged.connect(self._state_chosen)
        self.search_edit.textChanged.connect(self.set_search)
        self._model.rosterChanged.connect(self._fill_choices)

    # -- public ----------------------------------------------------------------------

    @property
    def model(self) -> AgentBoardModel:
        return self._model

    @property
    def proxy(self) -> AgentFilterProxy:
        return self._proxy

    @property
    def view(self) -> QTableView:
        return self._view

    def set_state_limits(self, limits: dict[str, tuple[float, float]]) -> None:
        """The time-in-state limits the board colours by (the console's alert thresholds)."""
        self._model.set_state_limits(limits)

    def set_team_filter(self, team: str | None) -> None:
        self._proxy.set_team(team)
        _select_data(self.team_combo, team or None)

    def set_queue_filter(self, queue_id: str | None) -> None:
        """Agents skilled for ``queue_id`` (None: every agent)."""
        self._proxy.set_queue(queue_id)
        _select_data(self.queue_combo, queue_id or None)

    def set_state_filter(self, state: AgentState | None) -> None:
        self._proxy.set_state(state)
        _select_data(self.state_combo, state.value if state is not None else None)

    def set_search(self, text: str) -> None:
        """Agents whose name or id contains ``text`` (case-insensitive)."""
        self._proxy.set_search(text)
        if self.search_edit.text() != text:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(text)
            self.search_edit.blockSignals(False)

    def set_case_drops_enabled(self, enabled: bool) -> None:
        """Whether cases may be dropped on agents (off where the role may not reassign)."""
        self._model.accept_case_drops = enabled

    def selected_agent_id(self) -> str | None:
        """The agent of the current row, if any."""
        rows = self._view.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(AGENT_ID_ROLE)
        return value if isinstance(value, str) else None

    def select_agent(self, agent_id: str) -> bool:
        """Select and show the row of ``agent_id``; False when it is filtered out or unknown."""
        return show_row(self._view, self._proxy, self._model.rows.row_of(agent_id))

    # -- holding still while a menu or dialog is open for an agent -------------------

    def pin(self, agent_id: str) -> None:
        """A menu or dialog is open for ``agent_id``: hold the rows still and keep it selected.

        Counted: each ``pin`` needs its ``unpin``.
        """
        self._pins.append(agent_id)
        if len(self._pins) == 1:
            self._proxy.hold(True)
        self.select_agent(agent_id)

    def unpin(self, agent_id: str) -> None:
        if agent_id not in self._pins:
            return
        self._pins.remove(agent_id)
        if self._pins:
            return
        self._proxy.hold(False)
        self._proxy.invalidate()  # the order and the filter as they are now
        if self.selected_agent_id() is None:
            self.select_agent(agent_id)

    @property
    def pinned(self) -> list[str]:
        return list(self._pins)

    def request_timeline(self, agent_id: str) -> None:
        """Ask for ``agent_id``'s timeline of today (whoever shows it listens to ``timelineRequested``)."""
        self.timelineRequested.emit(agent_id)

    # -- internals -------------------------------------------------------------------

    def _double_clicked(self, index: QModelIndex) -> None:
        agent_id = index.data(AGENT_ID_ROLE)
        if isinstance(agent_id, str):
            self.request_timeline(agent_id)

    def _menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if not index.isValid():
            return
        self._view.selectRow(index.row())
        agent_id = index.data(AGENT_ID_ROLE)
        if isinstance(agent_id, str):
            self.menuRequested.emit(agent_id, self._view.viewport().mapToGlobal(pos))

    def _state_chosen(self, _index: int) -> None:
        value = self.state_combo.currentData()
        self.set_state_filter(AgentState(value) if value else None)

    def _fill_choices(self) -> None:
        teams: list[tuple[str, str | None]] = [(self.tr("All teams"), None)]
        teams += [(t, t) for t in self._model.teams()]
        queues: list[tuple[str, str | None]] = [(self.tr("All queues"), None)]
        queues += [(q.name, q.id) for q in self._source.state.queues.values()]
        _refill(self.team_combo, teams, self._proxy.team)
        _refill(self.queue_combo, queues, self._proxy.queue_id)
