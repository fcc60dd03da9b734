"""Persistence for the gateway: event journal, case projection, users, audit, checkpoints.

See docs/store.md. The gateway uses :class:`Store` (reads, users) and the
:class:`StoreWriter` it starts (everything else, batched on its own thread).
"""

from console.store.db import default_db_url
from console.store.repository import SignedIn, Store, UserInfo
from console.store.schema import AuditRecord
from console.store.writer import StoreHealth, StoreWriter, WriterFailedError, is_outage, outage_reason

__all__ = [
    "AuditRecord",
    "SignedIn",
    "Store",
    "StoreHealth",
    "StoreWriter",
    "UserInfo",
    "WriterFailedError",
    "default_db_url",
    "is_outage",
    "outage_reason",
]
