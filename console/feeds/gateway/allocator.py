"""glibc's allocator, tuned for a process that runs for weeks (the gateway), at its start.

By default glibc gives each thread that allocates an arena of its own (up to
eight a core) and lets freed memory stay in them; it also raises the size at
which it maps large blocks on their own each time one is freed, so later large
blocks come from the heap. The gateway's writer thread, its reader threads and
its loop all allocate: over a soak week the C heap kept 35 to 57 MB free and its
high-water mark rose at day turns (the prune, a checkpoint, the journal
turning over), +10 to +15 % RSS between day 2 and day 7 (docs/performance.md,
"The soak's memory"). ``tune()`` sets, before any thread starts:

- ``M_ARENA_MAX`` 2: two arenas for the whole process (the loop and the threads
  share them; the store's threads spend their time in SQLite and the disk);
- ``M_MMAP_THRESHOLD`` 128 KiB, fixed: large blocks (snapshots, events frames,
  the resume journal's blocks) are mapped on their own and given back whole
  when freed;
- ``M_TRIM_THRESHOLD`` 128 KiB: free memory at the top of a heap beyond that
  goes back to the system.

A setting the operator gave in the environment (``MALLOC_ARENA_MAX``,
``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``, or ``GLIBC_TUNABLES``)
is left as given. Elsewhere than glibc (musl, macOS, Windows) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

# mallopt's parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

ARENA_MAX = 2
MMAP_THRESHOLD = 128 * 1024
TRIM_THRESHOLD = 128 * 1024

# (parameter, value, the environment variable that sets it instead)
SETTINGS = (
    (M_ARENA_MAX, ARENA_MAX, "MALLOC_ARENA_MAX"),
    (M_MMAP_THRESHOLD, MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_"),
    (M_TRIM_THRESHOLD, TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_"),
)


def _glibc() -> ctypes.CDLL | None:
    path = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(path) if path else None
    except OSError:
        return None
    if libc is None or not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return None  # not glibc
    return libc


def tune(environ: dict[str, str] | None = None) -> dict[str, int]:
    """Set the allocator's settings the environment does not set; returns those set, by name."""
    env = os.environ if environ is None else environ
    if env.get("GLIBC_TUNABLES"):
        return {}
    libc = _glibc()
    if libc is None:
        return {}
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    done: dict[str, int] = {}
    for param, value, variable in SETTINGS:
        if variable in env:
            continue
        if libc.mallopt(param, value) == 1:  # 1: done, 0: refused
            done[variable] = value
    return done
