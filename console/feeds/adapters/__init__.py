"""Adapters: separate processes that bring events from real systems to the gateway.

An ACD's event stream, a call-log replay: see docs/architecture.md.
"""
