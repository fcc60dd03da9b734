"""Reassigning work: cases, waiting calls, agent states, today's actions, and their controller."""
