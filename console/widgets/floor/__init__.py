"""Watching the floor: queue overview, agent board, charts, breaches."""
