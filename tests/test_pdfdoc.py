"""The shipped fonts print what Latin-1 cannot, and a fixed creation date gives the same bytes twice."""

from __future__ import annotations

from datetime import UTC, datetime

from hierniet.pdfdoc import FAMILY, MONO, new_document


def _bytes(text: str) -> bytes:
    pdf = new_document("Test", created=datetime(2026, 12, 7, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MONO, size=8)
    pdf.multi_cell(0, 5, "sha256 0123456789abcdef", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_text_beyond_latin1_is_written() -> None:
    data = _bytes("Łódź, İstanbul, Ελλάδα, Київ — «ça va» ‘quoted’")
    assert data.startswith(b"%PDF-")
    assert b"DejaVu" in data


def test_same_input_same_bytes() -> None:
    assert _bytes("Zelfde tekst") == _bytes("Zelfde tekst")
