"""The web console (bảng điều khiển): server-rendered pages for the people who do the work.

It talks to the services' HTTP APIs only, never to their databases, and passes the logged-in
user to them (`auth.py`), so every refusal a user sees comes from the service's own rules.
"""
