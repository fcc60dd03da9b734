"""Quality review from the console: flagging calls and the review queue, wired to the window.

``QualityController`` owns the *Flag call…* and *Export review queue…* actions and
opens the flag dialog for:

- the call selected in the call history (its *Flag…* button, a double click);
- a call in progress: the call of the agent selected in the agent board, or
  the call selected in the waiting calls. *Flag call…* takes the selection of
  whichever of these three views had the focus last.

Who may flag is the role table's (``call.flag``: supervisors, managers,
quality staff, admins); the action is greyed out for the others (a courtesy:
the gateway refuses them anyway). Results go to the window's ``MessageBridge``.

The waiting calls are the work group's view: the controller knows them only as
``WaitingCalls`` (what it asks of them), so the quality widgets never import the
work widgets; the main window hands the panel in.
"""

from __future__ import annotations

from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from console.application.commands import Commands
from console.application.floor_source import FloorSource
from console.application.messages import MessageBridge
from console.domain.actions import ActionName
from console.widgets.floor.agent_board import AgentBoard
from console.widgets.quality.call_history import CallHistoryPanel
from console.widgets.quality.common import CallSummary, role_refusal
from console.widgets.quality.flag_dialog import FlagDialog
from console.widgets.quality.review import ReviewPanel


class WaitingCalls(Protocol):
    """What flagging needs of a view of waiting calls (``work.waiting_calls.WaitingCallsPanel``)."""

    @property
    def view(self) -> QAbstractItemView: ...

    def selected_call_id(self) -> str | None: ...


class QualityController(QObject):
    """Flagging calls from any call view, and the review queue's menu actions."""

    def __init__(
        self,
        feed: FloorSource,
        window: QWidget,
        review: ReviewPanel,
        history: CallHistoryPanel,
        *,
        commands: Commands,
        messages: MessageBridge,
        agents: AgentBoard | None = None,
        waiting: WaitingCalls | None = None,
    ) -> None:
        super().__init__(window)
        self._feed = feed
        self._commands = commands
        self._messages = messages
        self._window = window
        self.review = review
        self.history = history
        self._agents = agents
        self._waiting = waiting
        self._last_view = "history"  # the call view that had the focus last
        self.dialog: FlagDialog | None = None  # the last dialog opened (tests reach it here)

        self.flag_call_action = QAction(self.tr("&Flag call…"), window)
        self.flag_call_action.setObjectName("flagCallAction")
        self.flag_call_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.flag_call_action.triggered.connect(self.flag_selected)
        self.export_action = QAction(self.tr("&Export review queue…"), window)
        self.export_action.setObjectName("exportFlagsAction")
        self.export_action.triggered.connect(review.export_dialog)

        history.flagRequested.connect(self.open_flag_dialog)
        feed.statusChanged.connect(self.refresh)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self.refresh()

    # -- who may do what ---------------------------------------------------------------

    def can_flag(self) -> bool:
        return self._commands.may(ActionName.FLAG_CALL)

    def refresh(self, *_: object) -> None:
        ok = self.can_flag()
        self.flag_call_action.setEnabled(ok)
        self.flag_call_action.setToolTip(
            self.tr("Flag the selected call for quality review")
            if ok
            else role_refusal(self._commands, self.tr("flag calls"))
        )

    # -- flagging ----------------------------------------------------------------------

    def selected_call(self) -> CallSummary | None:
        """The call selected in the call view used last (then the others, in turn)."""
        order = ["history", "agents", "waiting"]
        order.remove(self._last_view)
        for name in [self._last_view, *order]:
            summary = self._selected_in(name)
            if summary is not None:
                return summary
        return None

    def _selected_in(self, name: str) -> CallSummary | None:
        state = self._feed.state
        if name == "history":
            done = self.history.selected_call()
            return CallSummary.of_completed(done) if done is not None else None
        call_id: str | None = None
        if name == "agents" and self._agents is not None:
            agent_id = self._agents.selected_agent_id()
            agent = state.agents.get(agent_id) if agent_id else None
            call_id = agent.call_id if agent is not None else None
        elif name == "waiting" and self._waiting is not None:
            call_id = self._waiting.selected_call_id()
        return self.live_call(call_id) if call_id else None

    def live_call(self, call_id: str) -> CallSummary | None:
        """A call in progress, as the dialog shows it (None when it is no longer on the floor)."""
        call = self._feed.state.calls.get(call_id)
        return CallSummary.of_live(call, self._feed.state.at) if call is not None else None

    def flag_selected(self) -> FlagDialog | None:
        """*Flag call…*: the dialog for the selected call; says what to select when there is none."""
        if not self.can_flag():
            self._notify(role_refusal(self._commands, self.tr("flag calls")))
            return None
        summary = self.selected_call()
        if summary is None:
            self._notify(
                self.tr(
                    "Select a call first: an agent on a call in the agent board, a waiting call, "
                    "or a call in the call history"
                )
            )
            return None
        return self.open_flag_dialog(summary)

    def flag_live_call(self, call_id: str) -> FlagDialog | None:
        """The dialog for a call in progress, by id."""
        summary = self.live_call(call_id)
        if summary is None:
            self._notify(self.tr("Call {call} is no longer in progress").format(call=call_id))
            return None
        return self.open_flag_dialog(summary)

    def open_flag_dialog(self, summary: CallSummary) -> FlagDialog | None:
        if not self.can_flag():
            self._notify(role_refusal(self._commands, self.tr("flag calls")))
            return None
        dialog = FlagDialog(self._feed, summary, self._window, commands=self._commands)
        dialog.flagged.connect(self._flagged)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _flagged(self, flag_id: str, call_id: str) -> None:
        self._notify(self.tr("Call {call} flagged for review as {flag}").format(call=call_id, flag=flag_id))

    # -- plumbing ----------------------------------------------------------------------

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not shiboken6.isValid(self):
            return
        views: dict[str, QAbstractItemView | None] = {
            "history": self.history.view,
            "agents": self._agents.view if self._agents is not None else None,
            "waiting": self._waiting.view if self._waiting is not None else None,
        }
        for name, view in views.items():
            if view is not None and (view is new or view.isAncestorOf(new)):
                self._last_view = name
                return

    def _notify(self, text: str) -> None:
        self._messages.show(text)
