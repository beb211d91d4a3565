"""`python -m services.reporting`: the reporting service with dev defaults (SQLite under var/)."""

from services.reporting.app import SERVICE, build_app
from services.reporting.settings import ReportingSettings
from shared.http.serve import serve

serve(SERVICE, build_app, ReportingSettings)
