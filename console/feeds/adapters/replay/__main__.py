"""``python -m console.feeds.adapters.replay``: the same as ``python -m console.feeds.replay``."""

from __future__ import annotations

import sys

from console.feeds.adapters.replay.cli import main

if __name__ == "__main__":
    sys.exit(main())
