"""Real-time supervisor console for bank contact centres."""

#: The one place the version is written: pyproject.toml reads it (``dynamic = ["version"]``) for the
#: wheel's metadata, and ``supervisor-console --version`` and ``console-gateway --version`` print it.
__version__ = "0.1.0"
