"""Raids and pile-ons (issue 14): a pure detector over comments as plain data, and its simulation."""
