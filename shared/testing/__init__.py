"""Test support: real NATS and PostgreSQL servers for the integration and end-to-end tests."""
