"""Test-wide settings: Qt renders offscreen, hypothesis stays within the suite's time budget."""

from __future__ import annotations

import os

from hypothesis import settings

from console.store import tokens

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Tokens are kept with scrypt at N=2**14 (~0.1 s a hash); the suite starts many gateways with
# six users each, so it hashes at N=2**10. Verifiers carry their own N, so nothing else changes;
# tests/store/test_user_secrets.py checks the stored parameters.
tokens.SCRYPT_N = 2**10

settings.register_profile("suite", deadline=None, max_examples=60)
settings.load_profile("suite")

# The ``consoles`` fixture (LiveFeed + MainWindow on a real gateway) for the console's tests.
pytest_plugins = ["tests.helpers.consoles"]
