"""Drag and drop of cases: the MIME type that carries case ids and the versions the user saw.

The cases view puts it on a drag; the agent board takes it on a drop. The
versions travel with the ids, so the reassignment names the versions the
supervisor was looking at when the drag started (the gateway refuses, with a
conflict, if any case changed since).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from PySide6.QtCore import QByteArray, QMimeData

#: Case ids with their versions: ``{"cases": [["CS-000112", 4], ...]}`` as UTF-8 JSON.
CASES_MIME = "application/x-supervisor-console-cases+json"


def cases_mime(versions: Mapping[str, int]) -> QMimeData:
    """Mime data carrying ``versions`` (case id -> version), in their order; plain text lists the ids."""
    mime = QMimeData()
    payload = {"cases": [[cid, int(v)] for cid, v in versions.items()]}
    mime.setData(CASES_MIME, QByteArray(json.dumps(payload, separators=(",", ":")).encode()))
    mime.setText("\n".join(versions))
    return mime


def cases_from_mime(mime: QMimeData | None) -> dict[str, int] | None:
    """The case ids and versions a drag carries; None when it carries none (or garbage)."""
    if mime is None or not mime.hasFormat(CASES_MIME):
        return None
    try:
        payload = json.loads(bytes(mime.data(CASES_MIME).data()).decode())
        items = payload["cases"]
        out = {str(cid): int(v) for cid, v in items}
    except (ValueError, KeyError, TypeError):
        return None
    return out or None
