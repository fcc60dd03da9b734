"""``python -m console.feeds.replay``: replay a real call log through the gateway's adapter interface.

The adapter itself is ``console.feeds.adapters.replay``; this is its name on the
command line (docs/adapters.md).
"""

from __future__ import annotations

import sys

from console.feeds.adapters.replay.cli import main

if __name__ == "__main__":
    sys.exit(main())
