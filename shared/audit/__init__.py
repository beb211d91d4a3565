"""Tamper evidence for the event stores: hash chains computed when events are stored, signed
checkpoints, and the verification that compares a store with its streams (docs/audit.md)."""
