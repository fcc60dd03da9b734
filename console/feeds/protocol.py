"""Wire protocol v1: frames, codes, and their strict decoding.

UTF-8 JSON text frames, one object per frame (see docs/protocol.md). Client
frames are decoded in two steps so that every failure names what was wrong:
first the JSON and the ``op``, then the frame's fields against its struct.
Gateway frames are encoded here too; an ``events`` frame is assembled from
events that were encoded once, so fan-out to many clients costs no re-encoding.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from console.domain.clock import Timestamp
from console.domain.entities import AgentState
from console.domain.events import RawEvent
from console.domain.state import Snapshot

PROTOCOL_VERSION = 1

#: The one frame limit: the websocket layer closes a connection whose frame is larger (1009),
#: and the decoder refuses a longer text with ``frame_too_large``. Big enough for a
#: ``case.reassign`` of 50,000 cases (about 1.5 MB).
MAX_WIRE_FRAME = 4 * 1024 * 1024

CLOSE_BAD_TOKEN = 4401  # also a wrong name or password (directory sign-in): one answer for both
#: Directory sign-in: the name and password are right, but no group of the user gives a role.
CLOSE_NO_ROLE = 4403
#: Directory sign-in asked of a gateway that has no directory (it takes tokens only).
CLOSE_NO_DIRECTORY = 4501
#: Directory sign-in: the directory could not be asked (down, too slow); try again later.
CLOSE_DIRECTORY_UNAVAILABLE = 4503
CLOSE_BAD_PROTOCOL = 4400
CLOSE_HELLO_TIMEOUT = 4408
#: An adapter's connection closed because the same adapter signed in again (its newer connection wins).
CLOSE_REPLACED = 4409
#: Too many failed sign-ins from this address: refused for a while; the reason says
#: ``retry after N s`` (the console waits that long before it tries again).
CLOSE_TOO_MANY = 4429

#: The most events one ``publish`` frame may carry.
MAX_PUBLISH_EVENTS = 5000


class ErrorCode:
    """Codes of ``error`` frames and failed acks."""

    BAD_JSON = "bad_json"
    BAD_FRAME = "bad_frame"
    UNKNOWN_OP = "unknown_op"
    FRAME_TOO_LARGE = "frame_too_large"
    BINARY_FRAME = "binary_frame"
    NOT_AUTHENTICATED = "not_authenticated"
    ALREADY_AUTHENTICATED = "already_authenticated"
    UNKNOWN_ACTION = "unknown_action"
    BAD_ARGS = "bad_args"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_STATE = "invalid_state"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    #: More commands than the connection's rate allows; not applied (details: ``retry_after_s``).
    RATE_LIMITED = "rate_limited"
    #: The gateway's store cannot commit right now (disk full, database down): not applied.
    STORE_UNAVAILABLE = "store_unavailable"
    # A published event refused (in a publish ack's ``refused`` list):
    BAD_EVENT = "bad_event"  # unknown or unpublishable type, malformed data or time
    OUT_OF_ORDER = "out_of_order"  # its time goes back before the feed clock


# -- client -> gateway ---------------------------------------------------------


class AckError(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: Any = None


class Hello(msgspec.Struct, kw_only=True, tag="hello", tag_field="op"):
    """The first frame: a token, or a name and password for the gateway's directory (one way only)."""

    protocol: int
    token: str | None = None
    resume_from: int | None = None
    user: str | None = None
    password: str | None = None

    def __post_init__(self) -> None:
        # Said without the values: a refused hello is logged, and may hold a password.
        if (self.user is None) != (self.password is None):
            raise ValueError("a hello with a name needs its password, and a password needs its name")
        if self.user is not None and self.token is not None:
            raise ValueError("sign in with a token or with a name and password, not both")

    def __repr__(self) -> str:  # never the secrets, wherever a hello is printed
        secret = "token=***" if self.token is not None else f"user={self.user!r}, password=***"
        return f"Hello(protocol={self.protocol}, {secret}, resume_from={self.resume_from})"


class Command(msgspec.Struct, kw_only=True, tag="command", tag_field="op"):
    id: str
    action: str
    args: dict[str, Any] = msgspec.field(default_factory=dict)


class PublishedEvent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One event an adapter publishes: its own position, the time it happened, its type and data.

    ``data`` is the payload of ``type`` as in the event vocabulary (console.domain.events);
    the gateway decodes and checks it against its floor before giving it a seq.
    """

    pos: int
    at: Timestamp
    type: str
    data: Any = msgspec.field(default_factory=dict)


class Publish(msgspec.Struct, kw_only=True, tag="publish", tag_field="op", omit_defaults=True):
    """An adapter's events, in its position order; acked (by ``id``) once committed.

    ``clock``: the adapter's time now, which moves the feed clock on between events
    (a replay's time, a live system's wall clock); it never moves it back.
    """

    id: str
    events: list[PublishedEvent] = msgspec.field(default_factory=list)
    clock: Timestamp | None = None
    # What the adapter is doing, in a line for people ("connected to AMI 10.0.0.5:5038; 6 queues");
    # the gateway logs it when it changes and keeps the last one.
    status: str | None = None


class Reply(msgspec.Struct, kw_only=True, tag="reply", tag_field="op", omit_defaults=True):
    """An adapter's answer to a forwarded ``request`` (same ``id``)."""

    id: str
    ok: bool
    result: dict[str, Any] | None = None
    error: AckError | None = None


ClientFrame = Hello | Command | Publish | Reply
_CLIENT_OPS: dict[str, type[ClientFrame]] = {
    "hello": Hello,
    "command": Command,
    "publish": Publish,
    "reply": Reply,
}


class ProtocolError(Exception):
    """A frame the gateway cannot take; ``code`` and ``message`` go in the error frame."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def decode_client_frame(frame: str | bytes) -> ClientFrame:
    """Decode one client frame or raise ProtocolError saying what is wrong."""
    if isinstance(frame, bytes):
        raise ProtocolError(
            ErrorCode.BINARY_FRAME, "binary frames are not part of the protocol; send UTF-8 JSON text"
        )
    if len(frame) > MAX_WIRE_FRAME:
        raise ProtocolError(
            ErrorCode.FRAME_TOO_LARGE,
            f"frame of {len(frame)} characters exceeds the limit of {MAX_WIRE_FRAME}",
        )
    try:
        obj = msgspec.json.decode(frame)
    except msgspec.DecodeError as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, f"frame is not valid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError(ErrorCode.BAD_JSON, "frame is nested too deeply") from None
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.BAD_FRAME, f"frame must be a JSON object, got {type(obj).__name__}")
    op = obj.get("op")
    if not isinstance(op, str):
        raise ProtocolError(ErrorCode.BAD_FRAME, "frame has no string field `op`")
    cls = _CLIENT_OPS.get(op)
    if cls is None:
        raise ProtocolError(
            ErrorCode.UNKNOWN_OP, f"unknown op {op!r}; expected one of: {', '.join(_CLIENT_OPS)}"
        )
    try:
        frame_obj: ClientFrame = msgspec.convert(obj, type=cls)
    except msgspec.ValidationError as exc:
        raise ProtocolError(ErrorCode.BAD_FRAME, f"bad {op} frame: {exc}") from None
    if isinstance(frame_obj, Publish) and len(frame_obj.events) > MAX_PUBLISH_EVENTS:
        raise ProtocolError(
            ErrorCode.BAD_FRAME,
            f"publish frame of {len(frame_obj.events)} events exceeds the limit of {MAX_PUBLISH_EVENTS}",
        )
    return frame_obj


# -- gateway -> client ---------------------------------------------------------


class Welcome(msgspec.Struct, kw_only=True, tag="welcome", tag_field="op", omit_defaults=True):
    protocol: int
    user: str
    role: str
    seq: int
    # To an adapter only: the last position of its own that the gateway has committed
    # (0: none yet); it publishes from the next one on.
    position: int | None = None
    # To an adapter only: what of its own is on the floor now ({"agents": [ids], "calls": [ids]}),
    # so that after a restart it can reconcile the floor with its system (end calls gone meanwhile).
    owned: dict[str, list[str]] | None = None


class Heartbeat(msgspec.Struct, kw_only=True, tag="heartbeat", tag_field="op", omit_defaults=True):
    """The committed head and the feed clock; while the gateway's store is unavailable, also
    ``store_ok: false``, since when (UTC wall clock) and why: the live feed is held meanwhile."""

    seq: int
    at: Timestamp | None
    store_ok: bool = True
    store_since: Timestamp | None = None
    store_reason: str | None = None


class Ack(msgspec.Struct, kw_only=True, tag="ack", tag_field="op", omit_defaults=True):
    id: str
    ok: bool
    result: dict[str, Any] | None = None
    error: AckError | None = None


class Request(msgspec.Struct, kw_only=True, tag="request", tag_field="op"):
    """To an adapter: carry out a supervisor's command about something it owns; answer with ``reply``."""

    id: str
    action: str
    args: dict[str, Any]
    user: str  # who asked (for the adapter's own log)


class ErrorFrame(msgspec.Struct, kw_only=True, tag="error", tag_field="op"):
    code: str
    message: str


class EventsFrame(msgspec.Struct, kw_only=True, tag="events", tag_field="op"):
    events: list[RawEvent]


ServerFrame = Welcome | Snapshot | EventsFrame | Heartbeat | Ack | ErrorFrame | Request

_encoder = msgspec.json.Encoder()


def encode(frame: msgspec.Struct) -> bytes:
    return _encoder.encode(frame)


def encode_event(event: msgspec.Struct) -> bytes:
    """Encode one event once; the bytes go to the journal, the store and every client."""
    return _encoder.encode(event)


#: An ``events`` frame is these around its events, comma-separated (the gateway joins frames).
EVENTS_FRAME_HEAD = b'{"op":"events","events":['
EVENTS_FRAME_TAIL = b"]}"


def events_frame(encoded_events: list[bytes]) -> bytes:
    """Assemble an ``events`` frame from events encoded by :func:`encode_event`."""
    return EVENTS_FRAME_HEAD + b",".join(encoded_events) + EVENTS_FRAME_TAIL


def snapshot_frame_parts(snap: Snapshot) -> tuple[bytes, bytes]:
    """A snapshot frame cut open where its cases go (the cases of ``snap`` are left out).

    ``head + b",".join(parts) + tail``, where the parts are ``encode_list_items`` of
    consecutive non-empty slices of some cases, is exactly ``encode(snap)`` with those
    cases: the gateway encodes a large floor's cases in slices.
    """
    names = Snapshot.__struct_fields__
    cut = names.index("cases")

    def fields(chosen: tuple[str, ...]) -> bytes:
        return b",".join(b'"' + n.encode() + b'":' + _encoder.encode(getattr(snap, n)) for n in chosen)

    head = b'{"op":"snapshot",' + fields(names[:cut]) + b',"cases":['
    return head, b"]," + fields(names[cut + 1 :]) + b"}"


def encode_list_items(items: list[Any]) -> bytes:
    """The items of a list encoded, comma-separated, without the brackets (b"" for none)."""
    return _encoder.encode(items)[1:-1]


_server_decoder: msgspec.json.Decoder[ServerFrame] = msgspec.json.Decoder(ServerFrame)


def decode_server_frame(frame: str | bytes) -> ServerFrame:
    """Decode a gateway frame (the client side); raises msgspec errors on bad input."""
    return _server_decoder.decode(frame)


# -- command arguments --------------------------------------------------------------
# One struct per action: the gateway decodes a command's args strictly into it
# (unknown or mistyped fields refused by name) and the console builds its commands
# from the same structs, so both sides agree on every field.


class SetAgentStateArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    agent_id: str
    state: AgentState
    reason: str | None = None


class ReassignCasesArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    case_ids: list[str]
    agent_id: str | None  # required: null unassigns, so it is never implied
    expected_versions: dict[str, int]


class UndoReassignArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    command_id: str


class MoveCallArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    call_id: str
    queue_id: str
    priority: int | None = None


class FlagCallArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    call_id: str
    category: str  # checked by the action, so a refusal can list the codes
    severity: str
    note: str = ""
    moment_s: float | None = None


class UpdateFlagArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    flag_id: str
    expected_version: int | None = None
    status: str | None = None
    # Absent: unchanged; null: nobody reviews it; a name: that quality or admin user.
    reviewer: str | msgspec.UnsetType | None = msgspec.UNSET
    outcome: str | None = None
    note: str | None = None


class CallsQueryArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    agent_id: str | None = None
    queue_id: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    outcome: str | None = None
    page_size: int = 100
    cursor: str | None = None


class AgentTimelineArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """``agent.timeline``: one agent's business day so far (at most ``limit`` rows of each kind)."""

    agent_id: str
    limit: int = 2000


class AgentQueues(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One agent of an ``agent.set_queues``: the queues it is to serve from now on (all of them)."""

    agent_id: str
    queues: list[str]


#: The most agents one ``agent.set_queues`` may name (a whole large floor re-skilled at once).
MAX_SET_QUEUES_AGENTS = 5000


class SetAgentQueuesArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """``agent.set_queues``: ``agents`` (a selection, all or none), or one ``agent_id`` and ``queues``."""

    agents: list[AgentQueues] | None = None
    agent_id: str | None = None
    queues: list[str] | None = None


class HistoryQueryArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """``history.query``: business ``day``'s figures (queues and cases whole, agents paged)."""

    day: str  # YYYY-MM-DD, the business day in the centre's zone
    interval_min: int = 30  # 15, 30 or 60
    offset: int = 0  # the first agent of the page
    limit: int = 500  # agents per page


class WithholdSecrets(logging.Filter):
    """Drops the content of a websocket frame that carries a secret from a debug log line.

    The websockets library logs the start and end of every frame at DEBUG; a ``hello``
    holds a token or a password. The frame (an object with ``data``) is replaced by its
    size when its bytes name a ``token`` or a ``password``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(_holds_secret(a) for a in args):
            record.args = tuple(
                f"frame withheld: it holds a secret [{len(getattr(a, 'data', b''))} bytes]"
                if _holds_secret(a)
                else a
                for a in args
            )
        return True


def _holds_secret(arg: object) -> bool:
    data = getattr(arg, "data", None)
    return isinstance(data, bytes | bytearray) and (b'"password"' in data or b'"token"' in data)


def withhold_secrets(logger: logging.Logger) -> None:
    """Make ``logger`` (``websockets.server`` or ``websockets.client``) leave hellos' secrets out."""
    if not any(isinstance(f, WithholdSecrets) for f in logger.filters):
        logger.addFilter(WithholdSecrets())
