"""Helpers shared by unit, integration and end-to-end tests (no test module imports another's)."""
