"""Notifications service: tells the right people, through real channels, exactly once in effect."""
