"""Real-time supervisor console for bank contact centres."""
