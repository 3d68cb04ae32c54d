"""Triage: comments in, verdicts out (see pipeline.py)."""
