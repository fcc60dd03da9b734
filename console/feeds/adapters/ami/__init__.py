"""The Asterisk adapter: an Asterisk PBX's call queues (app_queue) brought to the gateway over AMI.

- ``protocol``: an asyncio client of the Asterisk Manager Interface (the greeting,
  ``Key: Value`` blocks, login, actions and list actions matched by ``ActionID``,
  the stream of events), typed and tolerant of what a real server sends: unknown
  keys and events, values holding ``: ``, malformed blocks skipped and counted.

No Qt; only the standard library here (see docs/architecture.md, "Adapters").
"""
