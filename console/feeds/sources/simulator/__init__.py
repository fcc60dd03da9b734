"""The simulated bank centre: scenario, calendar, cases, durations, names and the engine."""
