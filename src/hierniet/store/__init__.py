"""The desk's store: SQLAlchemy tables, the engine factory, the repository and the Alembic migrations.

Only `repo` commits; `tables` holds the ORM classes and nothing else; `db` makes engines from a URL.
"""
