"""What drives the centre inside the gateway: the simulator and the synthetic load centre (no Qt).

Each is a ``CentreDriver`` (``console.feeds.gateway.driver``) by shape alone: the
sources import neither the gateway nor the store, so either can run on its own.
"""
