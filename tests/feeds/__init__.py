"""Tests of console.feeds: the wire protocol, the gateway, the feed client and the simulated sources."""
