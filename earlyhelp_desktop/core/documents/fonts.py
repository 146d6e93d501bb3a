"""The DejaVu fonts every document uses, so every name prints right (Zoë, Siân Llŷr, Nguyễn, Łukasz).

reportlab's built-in Helvetica and Vera lack letters such as w-circumflex and Vietnamese vowels, so only
the TrueType files shipped in ``resources/fonts`` are used. reportlab keeps registered fonts in its own
process-wide table; registering is idempotent and cheap after the first call.
"""

from __future__ import annotations

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from earlyhelp_desktop.core.paths import asset

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
FILES[BOLD_ITALIC] = "DejaVuSans-BoldOblique.ttf"


def register_fonts() -> None:
    """Registers the DejaVu family with reportlab (once per process) so <b> and <i> map to it."""
    known = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in FILES.items():
        if name not in known:
            pdfmetrics.registerFont(TTFont(name, str(asset("fonts", filename))))
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(REGULAR, bold, italic, name)


def missing_glyphs(text: str, font: str = REGULAR) -> str:
    """The characters of ``text`` the font cannot draw (empty when every letter prints)."""
    register_fonts()
    face = pdfmetrics.getFont(font).face
    widths = face.charWidths
    return "".join(sorted({ch for ch in text if ch.isprintable() and ord(ch) not in widths and ch != " "}))
