"""Masking on entry, for everything the gateway writes: events, audit rows and log lines.

Customer text reaches the gateway by four ways: a flag's note (``call.flag``,
``flag.update``), a command's other arguments (kept in the audit and in
``action.applied``), the events adapters publish (a call's caller, a case's
customer and subject, a state's reason) and whatever a client sends that is
refused (it is audited too). Each goes through
:func:`~console.domain.masking.mask_digits` before anything is written:

* :func:`recorded_args`: a command's arguments as ``action.applied`` and the audit
  keep them, free-text fields masked (ids are the floor's own and stay whole);
* :func:`mask_published`: a published event's free-text fields;
* :func:`audited`: an audit row just before it goes to the store writer: a refused
  command's or event's arguments are masked whole (every string, ids and keys too:
  what was refused may be anything), and every error message and action name;
* :class:`MaskingFilter`: log records of the gateway and the store, every string
  argument and exception text masked (numbers such as seqs and positions, passed
  as ints, stay readable).

Checkpoints are snapshots of the floor the masked events made, so they hold no
more than the events do.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from console.domain.events import AgentStateChanged, CallQueued, CaseCreated, CaseUpdated, EventData
from console.domain.masking import mask_digits
from console.feeds.protocol import WithholdSecrets
from console.store import AuditRecord

#: Argument and field names that hold free text (or might, from an adapter): always masked.
FREE_TEXT = frozenset({"note", "reason", "text", "outcome", "subject", "customer", "caller", "message"})

#: The loggers whose records :class:`MaskingFilter` masks (a logger's filter sees only its own records).
GATEWAY_LOGGERS = (
    "console.gateway",
    "console.store.writer",
    "console.store.repository",
    "console.store.db",
    "console.feeds.sources.simulator.engine",
    "websockets.server",  # at DEBUG it logs every frame received and sent
)


def mask_all(value: Any) -> Any:
    """``value`` with every string in it masked, dict keys too (JSON-like data)."""
    if isinstance(value, str):
        return mask_digits(value)
    if isinstance(value, dict):
        return {mask_all(k): mask_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_all(v) for v in value]
    return value


def recorded_args(args: dict[str, Any]) -> dict[str, Any]:
    """A command's arguments with their free-text fields masked (any other field is an id or a code)."""
    return {k: mask_all(v) if k in FREE_TEXT or not _known(k) else v for k, v in args.items()}


def _known(key: str) -> bool:
    return key.endswith(("_id", "_ids", "_versions", "_version")) or key in _CODES


#: Argument names whose values are codes, numbers or times the action checks.
_CODES = frozenset({"state", "category", "severity", "status", "reviewer", "moment_s", "priority"})
_CODES |= {"since", "until", "page_size", "cursor"}


def audited(record: AuditRecord) -> AuditRecord:
    """``record`` as the store may keep it: nothing in it shows a full number."""
    args = recorded_args(record.args) if record.ok else mask_all(record.args)
    message = None if record.error_message is None else mask_digits(record.error_message)
    action = mask_digits(record.action)  # an unknown action's name is whatever the client sent
    if args == record.args and message == record.error_message and action == record.action:
        return record
    return msgspec.structs.replace(record, args=args, error_message=message, action=action)


def mask_published(data: EventData) -> None:
    """Mask, in place, the free text of an event an adapter published."""
    if isinstance(data, CallQueued):
        data.caller = mask_digits(data.caller)
    elif isinstance(data, CaseCreated):
        data.case.customer = mask_digits(data.case.customer)
        data.case.subject = mask_digits(data.case.subject)
    elif isinstance(data, CaseUpdated):
        for key in ("customer", "subject"):
            if isinstance(data.changes.get(key), str):
                data.changes[key] = mask_digits(data.changes[key])
    elif isinstance(data, AgentStateChanged) and data.reason is not None:
        data.reason = mask_digits(data.reason)


class MaskingFilter(logging.Filter):
    """Masks a log record's string arguments and exception text (the message's format stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A frame holding a token or password is withheld first: masking would wrap it, and the
        # later filter that withholds secrets would no longer see it as a frame.
        _WITHHOLD.filter(record)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: _masked_arg(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_masked_arg(a) for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = mask_digits(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_digits(logging.Formatter().formatException(record.exc_info))
        return True


def _masked_arg(value: Any) -> Any:
    if isinstance(value, int | float) or value is None:
        return value
    return mask_digits(value) if isinstance(value, str) else _Masked(value)


class _Masked:
    """A log argument that prints masked, with ``%s`` and ``%r`` alike."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return mask_digits(str(self.value))

    def __repr__(self) -> str:
        return mask_digits(repr(self.value))


_WITHHOLD = WithholdSecrets()
_FILTER = MaskingFilter()


def mask_gateway_logs() -> None:
    """Put :class:`MaskingFilter` on the gateway's and the store's loggers (once; idempotent)."""
    for name in GATEWAY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
