"""Test-wide settings: Qt renders offscreen, hypothesis stays within the suite's time budget."""

from __future__ import annotations

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile("suite", deadline=None, max_examples=60)
settings.load_profile("suite")

# The ``consoles`` fixture (LiveFeed + MainWindow on a real gateway) for the console's tests.
pytest_plugins = ["tests.helpers.consoles"]
