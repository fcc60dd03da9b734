"""A small filesystem that fills up, for store outage tests (docs/store.md#outages)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs of its own (root only: skipped with the reason otherwise); unmounted after."""
    where = tmp_path / "fs"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        # Lazily: a gateway thread that failed a test may still hold its files open.
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(fs: Path) -> Path:
    """Fill ``fs`` to the last byte with one file; returns it (delete it to free the space)."""
    filler = fs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096, 1):  # big writes, then what is left to the last byte
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


#: ``EXT4_IOC_SHUTDOWN`` (``_IOR('X', 125, __u32)``) and its flag: stop the filesystem now,
#: without flushing the journal, as a dying disk would (root only).
EXT4_IOC_SHUTDOWN = 0x8004587D
EXT4_GOING_FLAGS_NOLOGFLUSH = 2


@pytest.fixture
def ext4_loop(tmp_path: Path) -> Iterator[Path]:
    """A 64 MiB ext4 filesystem on a loop device (root only: skipped with the reason otherwise)."""
    image, where = tmp_path / "ext4.img", tmp_path / "ext4"
    where.mkdir()
    with image.open("wb") as f:
        f.truncate(64 * 1024 * 1024)
    for cmd in (["mkfs.ext4", "-q", "-F", str(image)], ["mount", "-o", "loop", str(image), str(where)]):
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except FileNotFoundError as exc:
            pytest.skip(f"{cmd[0]} not available: {exc}")
        if done.returncode != 0:
            pytest.skip(
                f"cannot {' '.join(cmd[:1])} an ext4 loop filesystem here (needs root): {done.stderr.strip()}"
            )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)  # the loop device goes with it


def shut_down(fs: Path) -> None:
    """Make every read and write on ``fs`` fail from now on (ext4's shutdown ioctl); root only."""
    fd = os.open(fs, os.O_RDONLY)
    try:
        fcntl.ioctl(fd, EXT4_IOC_SHUTDOWN, struct.pack("I", EXT4_GOING_FLAGS_NOLOGFLUSH))
    finally:
        os.close(fd)
