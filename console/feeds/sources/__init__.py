"""What drives the centre inside the gateway: the simulator and the synthetic load centre (no Qt)."""
