"""A supervisor's commands from the console: reassigning cases, undoing it, moving calls, agent states.

``WorkController`` owns the actions (Edit menu, context menus, keys), asks the
domain what to warn about (``console.domain.assignment``), sends the commands
through the live feed and turns each ack into a status-bar message, a conflict
dialog with a retry, or the gateway's refusal in plain words.

- Expected versions are the ones the supervisor was looking at when choosing:
  taken when the picker opens, when the drag starts, when the unassign
  confirmation opens. A case that changed meanwhile is a ``conflict``: nothing
  moves, and the dialog lists what changed and offers to retry with the
  versions the console holds now (for the cases still open). When the ack
  arrives the console's state already shows the change, so the retry is
  current.
- Undo sends ``case.undo_reassign`` for the last reassignment this console made
  that moved something (a stack: undo again for the one before).
- What the role may not do is disabled (``Commands.may``); the gateway
  enforces it anyway.

The commands go out through ``console.application.commands.Commands``; what
they came to goes to the window's ``MessageBridge``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QWidget

from console.application.commands import Commands
from console.application.floor_source import FloorSource
from console.application.messages import MessageBridge
from console.domain.actions import ActionName
from console.domain.assignment import (
    ReassignWarning,
    WarningKind,
    conflicts_from_details,
    current_versions,
    find_conflicts,
    reassign_warnings,
)
from console.domain.changes import ChangeSet
from console.domain.entities import (
    CALL_PRIORITY_MAX,
    CALL_PRIORITY_MIN,
    NOT_READY_REASONS,
    AgentState,
    CallState,
)
from console.domain.moving import AgentDecision, AgentFate, AgentWatch, CallWatch, CaseWatch
from console.widgets.common.fmt import agent_label, menu_text, reason_label, role_label, state_label
from console.widgets.common.texts import refusal_text
from console.widgets.floor.agent_board import AgentBoard
from console.widgets.work.cases_panel import CasesPanel
from console.widgets.work.dialogs import (
    AgentStateDialog,
    ConfirmBox,
    ConflictDialog,
    MoveCallDialog,
    ReassignDialog,
    agent_change_text,
    agent_target_text,
    call_fate_text,
    changed_cases_text,
    count_text,
)
from console.widgets.work.waiting_calls import WaitingCallsPanel


@dataclass(frozen=True)
class Undoable:
    command_id: str
    moved: int
    agent_id: str | None


def _result(ack: Any) -> dict[str, Any]:
    result = getattr(ack, "result", None)
    return result if isinstance(result, dict) else {}


class WorkController(QObject):
    """The commands a supervisor gives from this console, and what comes back."""

    def __init__(
        self,
        feed: FloorSource,
        window: QWidget,
        cases: CasesPanel,
        agents: AgentBoard,
        calls: WaitingCallsPanel,
        *,
        commands: Commands,
        messages: MessageBridge,
    ) -> None:
        super().__init__(window)
        self._feed = feed
        self._commands = commands
        self._messages = messages
        self._window = window
        self._cases = cases
        self._agents = agents
        self._calls = calls
        self._undo: list[Undoable] = []
        self._undoing = False  # an undo is on its way: not another until it is answered
        self.dialog: QDialog | None = None  # the last dialog opened (tests reach it here)

        self.reassign_action = QAction(self.tr("&Reassign selected cases…"), window)
        self.reassign_action.setObjectName("reassignAction")
        self.reassign_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reassign_action.triggered.connect(self.reassign_selected)
        self.unassign_action = QAction(self.tr("U&nassign selected cases…"), window)
        self.unassign_action.setObjectName("unassignAction")
        self.unassign_action.setShortcut(QKeySequence("Ctrl+U"))
        self.unassign_action.triggered.connect(self.unassign_selected)
        # Delete unassigns too, but only where the cases have the focus.
        self.unassign_key_action = QAction(self.tr("Unassign selected cases"), cases.view)
        self.unassign_key_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.unassign_key_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.unassign_key_action.triggered.connect(self.unassign_selected)
        cases.view.addAction(self.unassign_key_action)
        self.undo_action = QAction(self.tr("&Undo last reassignment"), window)
        self.undo_action.setObjectName("undoReassignAction")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo_last)
        self.move_call_action = QAction(self.tr("&Move waiting call…"), window)
        self.move_call_action.setObjectName("moveCallAction")
        self.move_call_action.triggered.connect(self._move_selected_call)

        agents.casesDropped.connect(self.cases_dropped)
        agents.menuRequested.connect(self._agent_menu_at)
        cases.menuRequested.connect(self._cases_menu_at)
        cases.selectionChanged.connect(self.refresh)
        calls.menuRequested.connect(self._call_menu_at)
        calls.selectionChanged.connect(self.refresh)
        feed.statusChanged.connect(self.refresh)
        self.refresh()

    # -- who may do what ---------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        """Enable what the role and the selection allow; say why in the tooltip when not."""
        may = self._commands.may
        reassign = may(ActionName.REASSIGN_CASES)
        selected = self._cases.selected_count()
        for action in (self.reassign_action, self.unassign_action, self.unassign_key_action):
            action.setEnabled(reassign and selected > 0)
        self._agents.set_case_drops_enabled(reassign)
        self.undo_action.setEnabled(may(ActionName.UNDO_REASSIGN) and bool(self._undo) and not self._undoing)
        if self._undo:
            self.undo_action.setText(
                self.tr("&Undo reassignment of {cases}").format(cases=count_text(self._undo[-1].moved))
            )
        else:
            self.undo_action.setText(self.tr("&Undo last reassignment"))
        self.move_call_action.setEnabled(
            may(ActionName.MOVE_CALL) and self._calls.selected_call_id() is not None
        )
        role = self._commands.role()
        why = (
            self.tr("Your role ({role}) may not reassign cases").format(role=role_label(role))
            if role is not None and not reassign
            else ""
        )
        for action in (self.reassign_action, self.unassign_action):
            action.setToolTip(why or action.text().replace("&", ""))

    @property
    def undo_stack(self) -> list[Undoable]:
        return list(self._undo)

    # -- reassigning -----------------------------------------------------------------

    def reassign_selected(self) -> ReassignDialog | None:
        """Open the agent picker for the selected cases (Ctrl+R)."""
        versions = self._cases.selected_versions()
        if not versions or not self._commands.may(ActionName.REASSIGN_CASES):
            return None
        dialog = ReassignDialog(self._feed, list(versions), self._window, versions=versions)
        # Only the cases still at the versions chosen (the dialog named the others).
        dialog.chosen.connect(lambda agent_id: self.reassign(dialog.remaining(), agent_id))
        self._hold_cases(dialog)
        dialog.finished.connect(dialog.deleteLater)
        self._open(dialog)
        return dialog

    def _hold_cases(self, dialog: QDialog) -> None:
        """The case rows hold still while ``dialog`` is open (released on the next turn after it)."""
        self._cases.hold()
        dialog.finished.connect(lambda _r: QTimer.singleShot(0, self._cases.release))

    def unassign_selected(self) -> ConfirmBox | None:
        """Ask, then unassign the selected cases (Delete, Ctrl+U)."""
        versions = self._cases.selected_versions()
        if not versions or not self._commands.may(ActionName.REASSIGN_CASES):
            return None
        n = len(versions)
        box = ConfirmBox(
            self._window,
            self.tr("Unassign cases"),
            self.tr("Unassign {cases}?").format(cases=count_text(n)),
            [
                self.tr(
                    "Unassigned cases go back to their team's pool and are not worked until someone "
                    "takes them; their deadlines keep running."
                )
            ],
            self.tr("Unassign"),
        )
        box.confirmed.connect(lambda: self.reassign(versions, None))
        self._hold_cases(box)
        self._open(box)
        return box

    def cases_dropped(self, agent_id: str, versions: Mapping[str, int]) -> ConfirmBox | None:
        """Cases dragged onto an agent in the agent board (at the versions the drag carried)."""
        return self.reassign(versions, agent_id)

    def reassign(
        self, versions: Mapping[str, int], agent_id: str | None, *, seen: frozenset[WarningKind] = frozenset()
    ) -> ConfirmBox | None:
        """Reassign (None: unassign) the cases at the versions given, after confirming any warnings.

        Cases closed or changed since the versions were taken are named first (the gateway would
        refuse the whole command for one of them), with the choice to go on with the rest; an
        agent who left the floor meanwhile gets nothing. ``seen``: the kinds of warning the user
        confirmed already (a new kind, such as the agent logging off meanwhile, is asked again).
        """
        if not versions or not self._commands.may(ActionName.REASSIGN_CASES):
            return None
        versions = dict(versions)
        state = self._feed.state
        watch = CaseWatch(versions, state)
        changed = watch.changed(state)
        if changed:
            rest = watch.remaining(state)
            text = changed_cases_text(changed, len(versions), state)
            if not rest:
                self._notify(self.tr("Nothing reassigned: {why}").format(why=text))
                self._box(self.tr("Cases changed meanwhile"), text)
                return None
            box = ConfirmBox(
                self._window,
                self.tr("Cases changed meanwhile"),
                text,
                [],
                self.tr("Send for the other {cases}").format(cases=count_text(len(rest))),
            )
            box.setObjectName("casesChangedBox")
            box.confirmed.connect(lambda: self.reassign(rest, agent_id, seen=seen))
            self._hold_cases(box)
            self._open(box)
            return box
        if agent_id is not None and AgentWatch(agent_id, state).current.fate is AgentFate.GONE:
            why = self.tr("{agent} is no longer on the floor: nothing was reassigned").format(
                agent=self._agent(agent_id)
            )
            self._notify(why)
            self._box(self.tr("Reassignment not sent"), why)
            return None
        warnings = reassign_warnings(state, list(versions), agent_id)
        kinds = frozenset(w.kind for w in warnings)
        if kinds <= seen:
            self.send_reassign(versions, agent_id)
            return None
        target = self._agent(agent_id) if agent_id else self.tr("nobody (unassigned)")
        box = ConfirmBox(
            self._window,
            self.tr("Reassign with warnings?"),
            self.tr("Reassign {cases} to {agent}?").format(cases=count_text(len(versions)), agent=target),
            [self.warning_text(w, agent_id) for w in warnings],
            self.tr("Reassign anyway"),
        )
        # At the confirmation, looked at again: cases or the agent may have changed meanwhile.
        box.confirmed.connect(lambda: self.reassign(versions, agent_id, seen=kinds))
        self._hold_cases(box)
        if agent_id is not None:
            self._pin_agent(agent_id, box)
        self._open(box)
        return box

    def warning_text(self, w: ReassignWarning, agent_id: str | None) -> str:
        """One warning in words."""
        agent = self._agent(agent_id) if agent_id else ""
        if w.kind is WarningKind.UNKNOWN_AGENT:
            return self.tr("{agent} is not on the roster: the gateway will refuse").format(agent=agent)
        if w.kind is WarningKind.OFFLINE:
            return self.tr("{agent} is logged out").format(agent=agent)
        if w.kind is WarningKind.GOING_OFFLINE:
            return self.tr("{agent} will be logged out when the current call ends").format(agent=agent)
        if w.kind is WarningKind.NOT_READY:
            if w.reason:
                return self.tr("{agent} is not ready ({reason})").format(
                    agent=agent, reason=reason_label(w.reason)
                )
            return self.tr("{agent} is not ready").format(agent=agent)
        if w.kind is WarningKind.UNSKILLED:
            return self.tr("{agent} is not skilled for the queue of {n} of the {total} cases").format(
                agent=agent, n=f"{w.count:,}", total=f"{w.total:,}"
            )
        if w.kind is WarningKind.OVER_LIMIT:
            return self.tr(
                "{agent} would hold {after} open cases, over the centre's limit of {limit} (now {now})"
            ).format(agent=agent, after=f"{w.open_after:,}", limit=w.limit, now=f"{w.open_cases:,}")
        if w.kind is WarningKind.NOT_OPEN:
            return self.tr(
                "{n} of the {total} cases are no longer open: the gateway will refuse the whole reassignment"
            ).format(n=f"{w.count:,}", total=f"{w.total:,}")
        return str(w.kind)

    def send_reassign(self, versions: Mapping[str, int], agent_id: str | None) -> str | None:
        """Send ``case.reassign`` now, naming ``versions``; the ack is handled below."""
        versions = dict(versions)
        holder: dict[str, str] = {}
        if not self._has_sender():
            return None
        cid = self._commands.reassign_cases(
            versions, agent_id, on_ack=lambda ack: self._reassign_acked(ack, holder["id"], versions, agent_id)
        )
        if cid is not None:
            holder["id"] = cid
            self._notify(self.tr("Reassigning {cases}…").format(cases=count_text(len(versions))))
        return cid

    def _reassign_acked(
        self, ack: Any, command_id: str, versions: dict[str, int], agent_id: str | None
    ) -> None:
        if ack.ok:
            result = _result(ack)
            moved = result.get("moved")
            moved = moved if isinstance(moved, int) else len(versions)
            unchanged = result.get("unchanged") if isinstance(result.get("unchanged"), int) else 0
            if moved:
                self._undo.append(Undoable(command_id, moved, agent_id))
            if agent_id is None:
                text = self.tr("Unassigned {cases}").format(cases=count_text(moved))
            else:
                text = self.tr("Reassigned {cases} to {agent}").format(
                    cases=count_text(moved), agent=self._agent(agent_id)
                )
            if unchanged:
                text = self.tr("{text}; {n} already there").format(text=text, n=f"{unchanged:,}")
            self._notify(text)
            self.refresh()
            return
        if ack.error_code == "conflict":
            conflicts = conflicts_from_details(ack.error_details)
            if conflicts is None:  # the ack carried no details: the console's state is current, so compare
                conflicts = find_conflicts(self._feed.state, versions)
            still_open = current_versions(self._feed.state, versions)
            dialog = ConflictDialog(
                self._feed,
                self.tr("Cases changed: nothing was reassigned"),
                self._conflict_message(ack, len(conflicts), len(versions)),
                conflicts,
                retry_count=len(still_open),
                parent=self._window,
            )
            dialog.retryRequested.connect(lambda: self.retry(list(versions), agent_id))
            dialog.finished.connect(dialog.deleteLater)
            self._open(dialog)
            self._notify(self.tr("Reassignment refused: cases changed since you chose them"))
            return
        self._refused(self.tr("Reassignment refused"), ack)

    def _conflict_message(self, ack: Any, n: int, total: int) -> str:
        intro = self.tr(
            "{n} of the {total} cases changed since you chose them, so nothing was moved."
        ).format(n=f"{n:,}", total=f"{total:,}")
        gateway = ack.error_message or ""
        return f"{intro}\n{gateway}" if gateway else intro

    def retry(self, case_ids: list[str], agent_id: str | None) -> str | None:
        """Send the reassignment again for the cases still open, at the versions the console holds now."""
        versions = current_versions(self._feed.state, case_ids)
        if not versions:
            self._notify(self.tr("None of those cases is still open: nothing to reassign"))
            return None
        return self.send_reassign(versions, agent_id)

    def undo_last(self) -> str | None:
        """Undo the last reassignment this console made (Ctrl+Z)."""
        if not self._undo or self._undoing or not self._commands.may(ActionName.UNDO_REASSIGN):
            return None
        entry = self._undo[-1]
        cid = self._commands.undo_reassign(entry.command_id, on_ack=lambda ack: self._undo_acked(ack, entry))
        if cid is not None:
            self._undoing = True
            self.undo_action.setEnabled(False)  # until this one is answered
            self._notify(
                self.tr("Undoing the reassignment of {cases}…").format(cases=count_text(entry.moved))
            )
        return cid

    def _undo_acked(self, ack: Any, entry: Undoable) -> None:
        self._undoing = False
        if ack.ok:
            if entry in self._undo:
                self._undo.remove(entry)
            moved = _result(ack).get("moved")
            self._notify(
                self.tr("Undone: {cases} back with their previous owners").format(
                    cases=count_text(moved if isinstance(moved, int) else entry.moved)
                )
            )
        elif ack.error_code in ("conflict", "not_found"):
            # It can never succeed now (the cases changed since, or it is gone): off the stack.
            if entry in self._undo:
                self._undo.remove(entry)
            conflicts = conflicts_from_details(ack.error_details) or []
            message = self.tr("This reassignment can no longer be undone: {why}").format(
                why=refusal_text(ack.error_code, ack.error_message)
            )
            dialog = ConflictDialog(
                self._feed,
                self.tr("Undo refused: nothing was moved"),
                message,
                conflicts,
                parent=self._window,
            )
            dialog.finished.connect(dialog.deleteLater)
            self._open(dialog)
            self._notify(self.tr("Undo refused"))
        else:
            self._refused(self.tr("Undo refused"), ack)
        self.refresh()

    # -- agents' states --------------------------------------------------------------

    def set_agent_state(self, agent_id: str, state: AgentState, reason: str | None = None) -> str | None:
        if not self._commands.may(ActionName.SET_AGENT_STATE):
            return None
        # A reason goes with "not ready" only (the supervisor's own when none was chosen).
        sent_reason = (reason or "supervisor") if state is AgentState.NOT_READY else None
        return self._commands.set_agent_state(
            agent_id,
            state,
            sent_reason,
            on_ack=lambda ack: self._state_acked(ack, agent_id, state, sent_reason),
        )

    def _state_text(self, state: AgentState, reason: str | None) -> str:
        label = state_label(state)
        if reason:
            return self.tr("{state} ({reason})").format(state=label, reason=reason_label(reason))
        return label

    def _state_acked(self, ack: Any, agent_id: str, state: AgentState, reason: str | None) -> None:
        agent, target = self._agent(agent_id), self._state_text(state, reason)
        if not ack.ok:
            self._refused(self.tr("Agent state not changed"), ack)
            return
        result = _result(ack)
        if result.get("deferred"):
            text = self.tr("{agent}: {state} pending until the call ends").format(agent=agent, state=target)
        elif result.get("unchanged"):
            text = self.tr("{agent} is already {state}").format(agent=agent, state=target)
        else:
            text = self.tr("{agent} → {state}").format(agent=agent, state=target)
        self._notify(text)

    def agent_menu(self, agent_id: str) -> QMenu:
        """The agent board's context menu for one agent; it follows the agent while open.

        A state chosen here is checked against the agent as it was when the menu opened
        (``AgentWatch``): as it was, it is sent; changed meanwhile, a confirmation says how;
        already in that state, logged off or gone, nothing is sent and the status bar says why.
        """
        menu = QMenu(self._window)
        menu.setObjectName("agentMenu")
        menu.setProperty("agentId", agent_id)
        watch = AgentWatch(agent_id, self._feed.state)
        allowed_state = self._commands.may(ActionName.SET_AGENT_STATE)
        change = menu.addAction(self.tr("Change &state…"))
        change.triggered.connect(lambda: self.open_agent_state(agent_id))
        available = menu.addAction(self.tr("Make &available"))
        available.triggered.connect(lambda: self._set_from(watch, AgentState.AVAILABLE))
        not_ready = menu.addMenu(self.tr("&Not ready"))
        for reason in NOT_READY_REASONS:
            act = not_ready.addAction(menu_text(reason_label(reason)))
            act.setData(reason)
            act.triggered.connect(lambda _=False, r=reason: self._set_from(watch, AgentState.NOT_READY, r))
        logout = menu.addAction(self.tr("&Log out"))
        logout.triggered.connect(lambda: self._set_from(watch, AgentState.OFFLINE))
        state_actions = (change, available, not_ready.menuAction(), logout)
        for act in state_actions:
            act.setEnabled(allowed_state)
        selected = self._cases.selected_count()
        if selected:
            menu.addSeparator()
            give = menu.addAction(self.tr("Reassign {cases} here").format(cases=count_text(selected)))
            give.setEnabled(self._commands.may(ActionName.REASSIGN_CASES))
            give.triggered.connect(lambda: self.reassign(self._cases.selected_versions(), agent_id))
        note = QAction(menu)
        note.setObjectName("agentChangedNote")
        note.setEnabled(False)

        def follow(changes: ChangeSet) -> None:
            # The agent changed while the menu is open: say so at the top (and offer nothing if gone).
            if agent_id not in changes.agents | changes.agents_removed and not changes.reset:
                return
            now = watch.update(self._feed.state, reset=changes.reset)
            if now.fate is AgentFate.SAME:
                return
            tz = self._feed.state.centre.timezone
            text = agent_change_text(
                watch, now.state or AgentState.OFFLINE, now.reason, AgentDecision.CONFIRM, tz
            )
            if now.fate is AgentFate.GONE:
                for act in menu.actions():
                    act.setEnabled(False)
            note.setText(menu_text(text))
            if note not in menu.actions():
                menu.insertAction(change, note)
            menu.adjustSize()

        self._feed.floorUpdated.connect(follow)
        menu.destroyed.connect(lambda *_: self._disconnect(self._feed.floorUpdated, follow))
        menu.addSeparator()
        timeline = menu.addAction(self.tr("Today's &timeline…"))
        timeline.setObjectName("agentTimelineAction")
        timeline.setEnabled(self._commands.may(ActionName.AGENT_TIMELINE))
        timeline.triggered.connect(lambda: self._agents.request_timeline(agent_id))
        return menu

    def _set_from(self, watch: AgentWatch, state: AgentState, reason: str | None = None) -> ConfirmBox | None:
        """A state chosen from the menu, checked against the agent as it was when the menu opened."""
        agent_id = watch.agent_id
        watch.update(self._feed.state)
        decision = watch.decide(state, reason)
        if decision is AgentDecision.SEND:
            self.set_agent_state(agent_id, state, reason)
            return None
        why = agent_change_text(watch, state, reason, decision, self._feed.state.centre.timezone)
        if decision is not AgentDecision.CONFIRM:
            self._notify(why)
            return None
        box = ConfirmBox(
            self._window,
            self.tr("Agent changed meanwhile"),
            why,
            [],
            self.tr("Set {state} anyway").format(state=agent_target_text(state, reason)),
        )
        box.setObjectName("agentChangedBox")
        seen = watch.current.look()

        def confirmed() -> None:
            now = watch.update(self._feed.state)
            if now.look() != seen:  # changed again while the question was open: ask again
                self._set_from(watch, state, reason)
            elif watch.decide(state, reason) in (AgentDecision.SEND, AgentDecision.CONFIRM):
                self.set_agent_state(agent_id, state, reason)

        box.confirmed.connect(confirmed)
        self._pin_agent(agent_id, box)
        self._open(box)
        return box

    def open_agent_state(
        self, agent_id: str, state: AgentState | None = None, reason: str | None = None
    ) -> AgentStateDialog | None:
        """The state dialog for ``agent_id``, following the agent live, its row held still while open."""
        if not self._commands.may(ActionName.SET_AGENT_STATE):
            return None
        dialog = AgentStateDialog(self._feed, agent_id, self._window, state=state, reason=reason)
        dialog.chosen.connect(lambda st, r: self.set_agent_state(agent_id, st, r))
        self._pin_agent(agent_id, dialog)
        dialog.finished.connect(dialog.deleteLater)
        self._open(dialog)
        return dialog

    def _pin_agent(self, agent_id: str, dialog: QDialog) -> None:
        self._agents.pin(agent_id)
        dialog.finished.connect(lambda _r: QTimer.singleShot(0, lambda: self._agents.unpin(agent_id)))

    def _agent_menu_at(self, agent_id: str, pos: QPoint) -> None:
        """The agent's menu at ``pos``, its row held still until the menu (and what it opened) is done."""
        menu = self.agent_menu(agent_id)
        self._agents.pin(agent_id)
        menu.aboutToHide.connect(lambda: QTimer.singleShot(0, lambda: self._agents.unpin(agent_id)))
        self._popup(menu, pos)

    # -- cases' menu -----------------------------------------------------------------

    def cases_menu(self) -> QMenu:
        menu = QMenu(self._window)
        menu.setObjectName("casesMenu")
        menu.addAction(self.reassign_action)
        menu.addAction(self.unassign_action)
        menu.addSeparator()
        menu.addAction(self.undo_action)
        return menu

    def _cases_menu_at(self, pos: QPoint) -> None:
        """The cases' menu, the rows held still until it (and what it opened) is done."""
        menu = self.cases_menu()
        self._cases.hold()
        menu.aboutToHide.connect(lambda: QTimer.singleShot(0, self._cases.release))
        self._popup(menu, pos)

    # -- waiting calls ---------------------------------------------------------------

    def move_call(self, call_id: str, queue_id: str, priority: int | None = None) -> str | None:
        """Send ``call.move`` if the call is still waiting; when it is not, say what became of it."""
        if not self._commands.may(ActionName.MOVE_CALL):
            return None
        watch = CallWatch(call_id, self._feed.state)
        if not watch.current.movable:
            self._not_moved(call_id, watch)
            return None
        if priority is not None:
            priority = max(CALL_PRIORITY_MIN, min(CALL_PRIORITY_MAX, priority))
        return self._commands.move_call(
            call_id, queue_id, priority, on_ack=lambda ack: self._move_acked(ack, call_id, watch)
        )

    def _move_acked(self, ack: Any, call_id: str, watch: CallWatch) -> None:
        if not ack.ok:
            # The race at the last moment: the gateway saw the call answered (or gone) first. The
            # console's floor has that change by the time the ack comes, so say it in words.
            now = watch.update(self._feed.state)
            if not now.movable and ack.error_code in ("invalid_state", "not_found"):
                why = call_fate_text(now, self._feed.state)
                title = self.tr("Call not moved")
                self._notify(self.tr("Call {call} not moved: {why}").format(call=call_id, why=why))
                self._box(title, self.tr("Call {call}: {why}").format(call=call_id, why=why))
                return
            self._refused(self.tr("Call not moved"), ack)
            return
        result = _result(ack)
        if result.get("unchanged"):
            self._notify(self.tr("Call {call}: nothing to change").format(call=call_id))
            return
        queue = self._feed.state.queues.get(str(result.get("queue_id", "")))
        where = queue.name if queue is not None else str(result.get("queue_id", ""))
        self._notify(
            self.tr("Call {call} → {queue}, priority {priority}").format(
                call=call_id, queue=where, priority=result.get("priority", "")
            )
        )

    def open_move_call(self, call_id: str) -> MoveCallDialog | None:
        """The move dialog for ``call_id``, with its row held still in the list while it is open."""
        if not self._commands.may(ActionName.MOVE_CALL):
            return None
        dialog = MoveCallDialog(self._feed, call_id, self._window)
        dialog.chosen.connect(lambda queue_id, priority: self.move_call(call_id, queue_id, priority))
        self._calls.pin(call_id)
        dialog.finished.connect(lambda _r: self._calls.unpin(call_id))
        dialog.finished.connect(dialog.deleteLater)
        self._open(dialog)
        return dialog

    def call_menu(self, call_id: str) -> QMenu:
        """The waiting calls' context menu for one call; it acts on the call by id, as it is when chosen."""
        menu = QMenu(self._window)
        menu.setObjectName("callMenu")
        ok = self._commands.may(ActionName.MOVE_CALL)
        call = self._feed.state.calls.get(call_id)
        waiting = call is not None and call.state is CallState.WAITING
        move = menu.addAction(self.tr("&Move or change priority…"))
        move.triggered.connect(lambda: self.open_move_call(call_id))
        to_queue = menu.addMenu(self.tr("Move to &queue"))
        for q in self._feed.state.queues.values():
            act = to_queue.addAction(menu_text(q.name))
            act.setData(q.id)
            act.setEnabled(call is None or q.id != call.queue_id)
            act.triggered.connect(lambda _=False, qid=q.id: self.move_call(call_id, qid))
        raise_ = menu.addAction(self.tr("&Raise priority"))
        lower = menu.addAction(self.tr("&Lower priority"))
        # The priority when chosen, not when the menu opened (someone else may have changed it).
        raise_.triggered.connect(lambda: self._nudge_priority(call_id, +1))
        lower.triggered.connect(lambda: self._nudge_priority(call_id, -1))
        actions = (move, to_queue.menuAction(), raise_, lower)
        for act in actions:
            act.setEnabled(ok and waiting)
        if call is not None and waiting:
            raise_.setEnabled(ok and call.priority < CALL_PRIORITY_MAX)
            lower.setEnabled(ok and call.priority > CALL_PRIORITY_MIN)
        watch = CallWatch(call_id, self._feed.state)
        menu.setProperty("callId", call_id)

        def follow(changes: ChangeSet) -> None:
            # The call left while the menu is open: say so at the top and offer nothing.
            if call_id not in changes.calls_changed | changes.calls_removed and not changes.reset:
                return
            now = watch.update(self._feed.state, reset=changes.reset)
            if now.movable or menu.property("gone"):
                return
            menu.setProperty("gone", True)
            for act in actions:
                act.setEnabled(False)
            note = QAction(call_fate_text(now, self._feed.state), menu)
            note.setObjectName("callGoneNote")
            note.setEnabled(False)
            menu.insertAction(move, note)
            menu.adjustSize()

        if not watch.current.movable:
            follow(ChangeSet(reset=True))
        else:
            self._feed.floorUpdated.connect(follow)
            menu.destroyed.connect(lambda *_: self._disconnect(self._feed.floorUpdated, follow))
        return menu

    def _not_moved(self, call_id: str, watch: CallWatch) -> None:
        why = call_fate_text(watch.current, self._feed.state)
        self._notify(self.tr("Call {call} not moved: {why}").format(call=call_id, why=why))

    def _nudge_priority(self, call_id: str, step: int) -> str | None:
        call = self._feed.state.calls.get(call_id)
        if call is None or call.state is not CallState.WAITING:
            self._not_moved(call_id, CallWatch(call_id, self._feed.state))
            return None
        return self.move_call(call_id, call.queue_id, call.priority + step)

    def _call_menu_at(self, call_id: str, pos: QPoint) -> None:
        """The call's menu at ``pos``, its row held still until the menu (and what it opened) is done."""
        menu = self.call_menu(call_id)
        self._calls.pin(call_id)
        # Released on the next turn, after a dialog the menu opened has taken its own pin.
        menu.aboutToHide.connect(lambda: QTimer.singleShot(0, lambda: self._calls.unpin(call_id)))
        self._popup(menu, pos)

    @staticmethod
    def _disconnect(signal: Any, slot: Any) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # already gone with its sender
            signal.disconnect(slot)

    def _move_selected_call(self) -> None:
        call_id = self._calls.selected_call_id()
        if call_id is not None:
            self.open_move_call(call_id)

    # -- plumbing --------------------------------------------------------------------

    def _has_sender(self) -> bool:
        """Whether there is a gateway to send to; says so when there is none.

        (``Commands.may`` is False without one, so only what is sent unasked needs this.)
        """
        if self._commands.sender is None:
            self._notify(self.tr("Not connected to a gateway: nothing was sent"))
            return False
        return True

    def _agent(self, agent_id: str | None) -> str:
        if not agent_id:
            return ""
        agent = self._feed.state.agents.get(agent_id)
        return agent_label(agent.name if agent is not None else None, agent_id)

    def _notify(self, text: str) -> None:
        self._messages.show(text)

    def _refused(self, title: str, ack: Any) -> None:
        """The gateway's refusal (or the client's timeout or disconnect), in its own words."""
        why = refusal_text(ack.error_code, ack.error_message)
        if ack.error_code in ("timeout", "disconnected"):  # not a refusal: it may have been applied
            title = self.tr("No answer from the gateway")
        self._notify(self.tr("{title}: {why}").format(title=title, why=why))
        self._box(title, why)

    def _box(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self._window)
        box.setObjectName("refusedBox")
        box.finished.connect(box.deleteLater)
        self._open(box)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def _popup(self, menu: QMenu, pos: QPoint) -> None:
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)
