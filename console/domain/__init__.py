"""Pure domain: entities, the state reducer, metrics and rules. Imports no Qt."""
