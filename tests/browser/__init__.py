"""Browser tests (Playwright with Debian's Chromium): see conftest.py."""
