"""Small helpers shared by the site's tests: the join form's CSRF token, tiny images, HTML checks."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

import html5lib

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: Any, lang: str = "en") -> str:
    page = client.get(f"/{lang}/join")
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found, "the join form carries no CSRF token"
    return found.group(1)


def join(client: Any, lang: str = "en", *, token: str | None = None, files: Any = None, **fields: str) -> Any:
    data = {"name": "Stad Voorbeeld", "type": "city", "website": "www.voorbeeld.be", "email": "info@voorbeeld.be"}
    data.update(fields)
    data["csrf"] = token if token is not None else csrf_of(client, lang)
    return client.post(f"/{lang}/join", data=data, files=files, follow_redirects=False)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG (so the logo check is tested on an image, not on a magic number alone)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def parse_strict(html: str) -> Any:
    """Parse with html5lib in strict mode: any parse error of the HTML standard raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)
