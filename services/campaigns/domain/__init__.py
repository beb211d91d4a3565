"""The campaign aggregate and its rules: plain Python, no I/O (HTTP, SQL, NATS live elsewhere)."""
