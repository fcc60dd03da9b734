"""``python -m console.feeds.ami``: bring an Asterisk's queues to the gateway (docs/adapters.md).

The adapter itself is ``console.feeds.adapters.ami``; this is its name on the command line.
"""

from __future__ import annotations

import sys

from console.feeds.adapters.ami.cli import main

if __name__ == "__main__":
    sys.exit(main())
