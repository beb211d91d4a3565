"""Notifications service: tells the right people, through real channels, exactly once in effect."""

import logging
import sys

from services.notifications.app import SERVICE, build_app
from services.notifications.contacts import ContactsError
from services.notifications.settings import NotificationsSettings
from services.notifications.templates import TemplateSetupError
from shared.http.serve import serve

try:
    serve(SERVICE, build_app, NotificationsSettings)
except (TemplateSetupError, ContactsError) as exc:
    logging.getLogger("services.notifications").critical("%s", exc)
    sys.exit(2)
