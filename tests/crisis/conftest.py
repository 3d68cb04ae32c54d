"""Database fixtures for the crisis desk's service tests: see tests/store/dbfixtures.py."""

from store import dbfixtures

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage
