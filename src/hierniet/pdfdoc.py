"""PDF documents (transparency reports, evidence packs) with fonts that cover every comment we hold.

fpdf2's built-in fonts are Latin-1 only: a comment in Polish, Turkish or Arabic, or one with an emoji-free
but accented name, would fail or print as question marks. The DejaVu fonts ship inside the package (their
licence is in fonts/LICENSE-DejaVu.txt), so a PDF is made the same way on every machine, offline.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from fpdf import FPDF

#: The family name documents use; "B" is its bold style, MONO a fixed-width family for hashes and ids.
FAMILY = "DejaVu"
MONO = "DejaVuMono"


def _font(name: str) -> str:
    return str(resources.files("hierniet") / "fonts" / name)


def new_document(title: str, *, author: str = "hierniet", created: datetime | None = None) -> FPDF:
    """An A4 portrait document with the DejaVu fonts registered, a title in its metadata and automatic page
    breaks. `created` fixes the creation date (tests and evidence packs want the same bytes for the same
    input); left out, fpdf2 records the time of writing."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", _font("DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", _font("DejaVuSans-Bold.ttf"))
    pdf.add_font(MONO, "", _font("DejaVuSansMono.ttf"))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("hierniet")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_font(FAMILY, size=10)
    return pdf
