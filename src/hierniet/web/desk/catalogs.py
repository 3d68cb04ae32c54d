"""`python -m hierniet.web.desk.catalogs`: bring the desk's .po catalogs up to date with the templates and
code (see hierniet.web.desk.i18n), then translate the empty messages it reports."""

from __future__ import annotations

import sys

from hierniet.web.desk.i18n import catalog_path, update_catalogs


def main() -> None:
    for locale, count in update_catalogs().items():
        print(f"{catalog_path(locale)}: {count} messages to translate", file=sys.stderr)


if __name__ == "__main__":
    main()
