"""``python -m console.feeds.adapters.ami``: the same as ``python -m console.feeds.ami``."""

from __future__ import annotations

import sys

from console.feeds.adapters.ami.cli import main

if __name__ == "__main__":
    sys.exit(main())
