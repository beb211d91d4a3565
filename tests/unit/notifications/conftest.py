"""The notifications service's pure parts, assembled from the packaged templates and contacts."""

from __future__ import annotations

import pytest

from services.notifications import catalogue
from services.notifications.contacts import DEV_CONTACTS_FILE, ContactBook, load_contacts
from services.notifications.planning import Planner
from services.notifications.recipients import RecipientResolver
from services.notifications.templates import PACKAGED_TEMPLATES_DIR, NoticeTemplates
from shared.reference.org_units import load_org_units


@pytest.fixture(scope="session")
def templates() -> NoticeTemplates:
    return NoticeTemplates(PACKAGED_TEMPLATES_DIR, catalogue.required_templates())


@pytest.fixture(scope="session")
def contacts() -> ContactBook:
    return load_contacts(DEV_CONTACTS_FILE, load_org_units())


@pytest.fixture(scope="session")
def planner(templates: NoticeTemplates, contacts: ContactBook) -> Planner:
    return Planner(templates, RecipientResolver(contacts))
