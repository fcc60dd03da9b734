"""Start the supervisor console (``make run``).

Without arguments it runs an embedded gateway on the simulated bank centre at
10x speed and connects to it; see ``python main.py --help`` and docs/console.md.
"""

from __future__ import annotations

import sys

from console.app import main

if __name__ == "__main__":
    sys.exit(main())
