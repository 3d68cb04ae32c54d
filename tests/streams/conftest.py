"""The store fixtures (tests/store/dbfixtures.py), a credentials key and the fake Graph API (tests/connectors)."""

from __future__ import annotations

from connectors import conftest as connectors
from store import dbfixtures

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage
credentials_key = connectors.credentials_key
settings = connectors.settings
graph = connectors.graph
youtube = connectors.youtube
