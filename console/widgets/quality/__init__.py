"""Quality review: flagging calls, call history, the review queue, and the controller that wires them."""
