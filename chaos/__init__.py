"""`make chaos`: fault scenarios against the real services as separate processes (see __main__)."""
