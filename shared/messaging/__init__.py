"""Messaging plumbing shared by every service: outbox relay, publisher, consumers."""
