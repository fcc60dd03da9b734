"""The names of the commands a console sends: one enum for permissions, commands, audit and views.

The values are the wire names of protocol v1 (``docs/protocol.md``); a
``StrEnum`` member compares equal to its wire string, so a name read off the
wire or out of the audit table can be compared with a member directly.
"""

from __future__ import annotations

from enum import StrEnum


class ActionName(StrEnum):
    SET_AGENT_STATE = "agent.set_state"
    REASSIGN_CASES = "case.reassign"
    UNDO_REASSIGN = "case.undo_reassign"
    MOVE_CALL = "call.move"
    FLAG_CALL = "call.flag"
    UPDATE_FLAG = "flag.update"
    QUERY_CALLS = "calls.query"
    AGENT_TIMELINE = "agent.timeline"
    # Staffing: which queues agents serve (managers, admins).
    SET_AGENT_QUEUES = "agent.set_queues"
    QUERY_HISTORY = "history.query"
