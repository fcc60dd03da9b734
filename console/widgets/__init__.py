"""Qt views only: they show the domain's state and hold no business rules."""
