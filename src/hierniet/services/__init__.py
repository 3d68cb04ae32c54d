"""The desk's service functions: what the REST API, the desk's pages and the CLI all call.

Each function takes the store (hierniet.store.repo.Store), the acting person (services.auth.Actor) and
plain values, checks the actor's permissions, and returns views (services.views); errors are
services.errors.ServiceError with a message for people. ingest (comments in), queue (reading the desk),
decisions (people's decisions, escalations, re-triage), authors, audit, admin (organisations, channels,
users, tokens).
"""
