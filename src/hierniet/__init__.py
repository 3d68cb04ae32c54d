"""hierniet: triage and moderation for the Hier Niet / Pas ici charter."""

__version__ = "0.1.0"
