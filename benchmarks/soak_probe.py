"""The soak's probe: a gateway that writes what its memory holds each time it gets SIGUSR1.

    python -m benchmarks.soak_probe OUT.jsonl GATEWAY-OPTIONS...

Runs ``console.feeds.gateway`` with ``GATEWAY-OPTIONS``; on each SIGUSR1 (the
soak sends one at each simulated day's turn with ``--probe``) it appends one
JSON line to ``OUT.jsonl``: RSS, the C heap as glibc's ``mallinfo2`` sees it
(all arenas: in use and free), Python's own arenas (``sys._debugmallocstats``),
SQLite's own memory (its page caches and compiled statements) and the page caches' part of it, the
resume journal's events and bytes, the ``to_ms`` cache, and with
``SOAK_PROBE_TRACEMALLOC=1`` the Python heap that tracemalloc traces and the 15
lines whose allocations grew most since the last probe (slow: seconds per
probe, and the snapshot it keeps costs memory itself). A diagnostic, not a
product feature: it is how the soak's figures in docs/performance.md were
explained.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import signal
import sys
import tempfile
import tracemalloc
from types import FrameType
from typing import Any

from console.domain.clock import to_ms
from console.feeds.gateway import cli, server
from console.feeds.gateway.config import GatewayConfig

# glibc's struct mallinfo2, every field a size_t.
_MALLINFO2 = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (*_MALLINFO2, "keepcost")]


def _lib(name: str) -> ctypes.CDLL | None:
    path = ctypes.util.find_library(name)
    try:
        return ctypes.CDLL(path) if path else None
    except OSError:
        return None


def _pymalloc() -> dict[str, float]:
    """Python's small-object allocator: its arenas (mapped outside malloc), their blocks used and free."""
    with tempfile.TemporaryFile() as tmp:
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)  # _debugmallocstats writes to the C stderr
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    wanted = {
        "bytes/arena": "pymalloc_arenas_mb",
        "# bytes in allocated blocks": "pymalloc_used_mb",
        "# bytes in available blocks": "pymalloc_free_mb",
    }
    out: dict[str, float] = {}
    for line in text.splitlines():
        for marker, key in wanted.items():
            if marker in line and "=" in line:
                out[key] = round(int(line.rsplit("=", 1)[1].strip().replace(",", "")) / 1_048_576, 1)
    return out


class Probe:
    def __init__(self, out: str, *, trace: bool) -> None:
        self.out = out
        self.trace = trace
        self.gateway: server.Gateway | None = None
        self.turns = 0
        self._last: tracemalloc.Snapshot | None = None
        self._libc = _lib("c")
        if self._libc is not None and hasattr(self._libc, "mallinfo2"):
            self._libc.mallinfo2.restype = _MallInfo2
        self._sqlite = _lib("sqlite3")  # the library Python's sqlite3 module loaded (one per process)
        if self._sqlite is not None:
            self._sqlite.sqlite3_memory_used.restype = ctypes.c_int64

    def figures(self) -> dict[str, Any]:
        mb = 1_048_576
        fig: dict[str, Any] = {"turn": self.turns}
        with open("/proc/self/status") as f:  # RSS, and its anonymous, file and shared parts
            for line in f:
                key, _, value = line.partition(":")
                if key in {"VmRSS", "RssAnon", "RssFile", "RssShmem"}:
                    fig[f"{key.lower()}_mb"] = round(int(value.split()[0]) / 1024, 1)
        if self._libc is not None and hasattr(self._libc, "mallinfo2"):
            m = self._libc.mallinfo2()
            fig["malloc_arena_mb"] = round((m.arena + m.hblkhd) / mb, 1)
            fig["malloc_used_mb"] = round((m.uordblks + m.hblkhd) / mb, 1)
            fig["malloc_free_mb"] = round(m.fordblks / mb, 1)
        if self._sqlite is not None:
            fig["sqlite_mb"] = round(self._sqlite.sqlite3_memory_used() / mb, 1)
            # Of which the page caches (all of them on the heap: SQLITE_STATUS_PAGECACHE_OVERFLOW).
            current, highest = ctypes.c_int(), ctypes.c_int()
            if self._sqlite.sqlite3_status(2, ctypes.byref(current), ctypes.byref(highest), 0) == 0:
                fig["sqlite_pages_mb"] = round(current.value / mb, 1)
        if self.gateway is not None:
            journal = self.gateway.sequencer.journal
            fig["journal_events"] = len(journal)
            fig["journal_mb"] = round(journal.encoded_bytes / mb, 1)
            store = self.gateway.store
            if store is not None:  # the store's pooled connections, idle and in use
                pool: Any = store.engine.pool
                fig["db_connections"] = pool.checkedin() + pool.checkedout()
        fig["to_ms_cache"] = to_ms.cache_info().currsize
        fig.update(_pymalloc())
        if self.trace:
            fig["python_traced_mb"] = round(tracemalloc.get_traced_memory()[0] / mb, 1)
            snap = tracemalloc.take_snapshot()
            if self._last is not None:
                fig["grew"] = [str(stat) for stat in snap.compare_to(self._last, "lineno")[:15]]
            self._last = snap
        return fig

    def on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        with open(self.out, "a") as f:
            f.write(json.dumps(self.figures()) + "\n")
        self.turns += 1


def main(argv: list[str]) -> int:
    out, options = argv[0], argv[1:]
    trace = os.environ.get("SOAK_PROBE_TRACEMALLOC") == "1"
    if trace:
        tracemalloc.start(1)
    probe = Probe(out, trace=trace)
    init = server.Gateway.__init__

    def remember(gateway: server.Gateway, config: GatewayConfig) -> None:
        init(gateway, config)
        probe.gateway = gateway

    server.Gateway.__init__ = remember  # type: ignore[method-assign, assignment]
    signal.signal(signal.SIGUSR1, probe.on_signal)
    return cli.main(options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
