"""Database fixtures for this folder: see tests/store/dbfixtures.py."""

from store import dbfixtures

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage
real_triage = dbfixtures.real_triage
