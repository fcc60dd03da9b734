"""The Asterisk adapter: app_queue events from the Asterisk Manager Interface (AMI), published."""
