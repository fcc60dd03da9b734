"""``python -m console.feeds.gateway``: start a gateway (see ``--help``)."""

from __future__ import annotations

import sys

from console.feeds.gateway.cli import main

if __name__ == "__main__":
    sys.exit(main())
