"""`python -m services.console`: the web console on port 8000 (TDKT_PORT to move it)."""

from services.console.app import SERVICE, build_app
from services.console.settings import ConsoleSettings
from shared.http.serve import serve

serve(SERVICE, build_app, ConsoleSettings)
