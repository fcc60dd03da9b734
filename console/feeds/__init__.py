"""Wire protocol, gateway, simulator and feed client. Imports no Qt, so the gateway runs headless."""
