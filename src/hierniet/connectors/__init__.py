"""Connectors: how comments arrive (files, platforms) and how actions leave."""
