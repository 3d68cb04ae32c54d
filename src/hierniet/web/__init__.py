"""The web app: the REST API (web/api) and, later, the desk's pages; both call hierniet.services."""
