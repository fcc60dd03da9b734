"""Supervisors' commands and queries: the action registry and the actions by area."""
