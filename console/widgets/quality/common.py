"""What the quality views share: labels in words, who may do what, call summaries, moments in a call.

Every word goes through Qt's translation (context ``quality``, literal strings
so lupdate finds them); the codes themselves (``compliance``, ``in_review``) are
what goes on the wire. The rules (the workflow, who may do what) are the
domain's: ``console.domain.flags`` and ``console.domain.permissions`` (asked
through ``console.application.commands.Commands.may``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from console.application.commands import Commands
from console.domain.clock import Timestamp, seconds_between
from console.domain.entities import (
    Call,
    CallOutcome,
    CallState,
    CompletedCall,
    FlagOutcome,
    FlagStatus,
)
from console.domain.masking import mask_digits
from console.widgets.common.fmt import role_label
from console.widgets.common.texts import refusal_text

# -- labels -----------------------------------------------------------------------------------------


def status_label(status: FlagStatus) -> str:
    labels = {
        FlagStatus.OPEN: QCoreApplication.translate("quality", "Open"),
        FlagStatus.IN_REVIEW: QCoreApplication.translate("quality", "In review"),
        FlagStatus.CLOSED: QCoreApplication.translate("quality", "Closed"),
    }
    return labels.get(status, str(status))


def outcome_label(outcome: FlagOutcome | None) -> str:
    if outcome is None:
        return ""
    labels = {
        FlagOutcome.CONFIRMED: QCoreApplication.translate("quality", "Confirmed"),
        FlagOutcome.COACHING_NEEDED: QCoreApplication.translate("quality", "Coaching needed"),
        FlagOutcome.NO_ISSUE: QCoreApplication.translate("quality", "No issue"),
    }
    return labels.get(outcome, str(outcome))


def call_outcome_label(outcome: CallOutcome, short_abandon: bool = False) -> str:
    if outcome is CallOutcome.ANSWERED:
        return QCoreApplication.translate("quality", "Answered")
    if short_abandon:
        return QCoreApplication.translate("quality", "Abandoned (short)")
    return QCoreApplication.translate("quality", "Abandoned")


def live_state_label(state: CallState) -> str:
    labels = {
        CallState.WAITING: QCoreApplication.translate("quality", "In progress: waiting"),
        CallState.RINGING: QCoreApplication.translate("quality", "In progress: ringing"),
        CallState.TALKING: QCoreApplication.translate("quality", "In progress: talking"),
    }
    return labels.get(state, str(state))


# -- who may do what --------------------------------------------------------------------------------


def role_refusal(commands: Commands, what: str) -> str:
    """Why an action is greyed out, in words (``what`` is already translated)."""
    role = commands.role()
    if role is None:
        return QCoreApplication.translate(
            "quality", "Not signed in to a gateway yet: you may not {what} until then"
        ).format(what=what)
    return QCoreApplication.translate("quality", "Your role ({role}) may not {what}").format(
        role=role_label(role), what=what
    )


def ack_error(ack: Any) -> str:
    """A refusal in the gateway's (or the feed client's) own words, summed up in the interface language."""
    return refusal_text(getattr(ack, "error_code", None), getattr(ack, "error_message", None))


# -- calls to flag ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallSummary:
    """A call as the flag dialog shows it: one in progress, or one completed today."""

    call_id: str
    queue_id: str
    agent_id: str | None
    caller: str  # masked
    entered_at: Timestamp
    wait_s: float | None
    duration_s: float | None  # so far, for a call in progress
    outcome: str  # in words
    live: bool

    @classmethod
    def of_completed(cls, c: CompletedCall) -> CallSummary:
        return cls(
            call_id=c.id,
            queue_id=c.queue_id,
            agent_id=c.agent_id,
            caller=mask_digits(c.caller),
            entered_at=c.entered_at,
            wait_s=c.wait_s,
            duration_s=c.duration_s,
            outcome=call_outcome_label(c.outcome, c.short_abandon),
            live=False,
        )

    @classmethod
    def of_live(cls, c: Call, now: Timestamp | None) -> CallSummary:
        duration = max(0.0, seconds_between(c.entered_at, now)) if now else None
        if c.answered_at is not None:
            wait: float | None = seconds_between(c.entered_at, c.answered_at)
        else:
            wait = duration
        return cls(
            call_id=c.id,
            queue_id=c.queue_id,
            agent_id=c.agent_id,
            caller=mask_digits(c.caller),
            entered_at=c.entered_at,
            wait_s=wait,
            duration_s=duration,
            outcome=live_state_label(c.state),
            live=True,
        )


# -- moments in a call ------------------------------------------------------------------------------
