"""Start the supervisor console's feed on the built-in simulated bank centre.

Until the Qt console lands this starts the gateway alone (127.0.0.1:8765, the
default scenario at 10x speed) and prints the admin token to connect with.
Arguments are passed to the gateway; see ``python main.py --help``.
"""

from __future__ import annotations

import sys

from console.feeds.gateway import main

DEFAULTS = ["--speed", "10"]

if __name__ == "__main__":
    sys.exit(main([*DEFAULTS, *sys.argv[1:]]))
