"""Replay adapters: real call logs published to the gateway as protocol-v1 events.

- ``bank_log``: the "Anonymous Bank" call log (every call of February 1999 at a bank's
  telephone centre in Israel) read and turned into events, without any network.
"""
