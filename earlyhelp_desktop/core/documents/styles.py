"""Colours, type sizes and paragraph styles shared by every document.

Two scales: ``normal`` (body 11 pt) and ``large`` (body 16 pt, every piece of text at least 16 pt), for
the family plan's large-print option. Text colours keep at least 4.5:1 contrast on white and on their
tinted panels; nothing is shown by colour alone (every bar also says its number in words).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from earlyhelp_desktop.core.documents.fonts import BOLD, REGULAR, register_fonts


@dataclass(frozen=True)
class Palette:
    ink: colors.Color = colors.HexColor("#1D2B33")
    muted: colors.Color = colors.HexColor("#4A5961")  # 7.3:1 on white
    rule: colors.Color = colors.HexColor("#C9D3D8")
    teal: colors.Color = colors.HexColor("#0B6B66")  # 6.2:1 on white
    teal_soft: colors.Color = colors.HexColor("#E2F1EF")
    teal_mid: colors.Color = colors.HexColor("#8CC3BD")
    sun: colors.Color = colors.HexColor("#FFF3D1")
    sun_deep: colors.Color = colors.HexColor("#8A5A00")  # 5.6:1 on the sun panel
    sky: colors.Color = colors.HexColor("#E5EFF9")
    sky_deep: colors.Color = colors.HexColor("#1F4F82")
    coral: colors.Color = colors.HexColor("#B4441C")  # 5.3:1 on white
    coral_soft: colors.Color = colors.HexColor("#FBE9E2")
    lilac_soft: colors.Color = colors.HexColor("#EEEAF7")
    lilac_deep: colors.Color = colors.HexColor("#4B3C8C")
    paper: colors.Color = colors.white
    banner_text: colors.Color = colors.white
    official: colors.Color = colors.HexColor("#26374A")


PALETTE = Palette()


@dataclass(frozen=True)
class Scale:
    """Type sizes in points."""

    body: float
    small: float
    heading: float
    subheading: float
    title: float
    subtitle: float
    footer: float
    leading: float  # line spacing as a multiple of the size

    @property
    def large(self) -> bool:
        return self.body >= 16


NORMAL = Scale(
    body=11, small=9.5, heading=15, subheading=12.5, title=30, subtitle=17, footer=8.5, leading=1.4
)
LARGE = Scale(body=16, small=16, heading=22, subheading=18, title=36, subtitle=22, footer=16, leading=1.35)
PROFESSIONAL = Scale(
    body=9.5, small=8.5, heading=12, subheading=10.5, title=18, subtitle=12, footer=7.5, leading=1.3
)


@dataclass(frozen=True)
class Styles:
    scale: Scale
    palette: Palette
    body: ParagraphStyle
    body_bold: ParagraphStyle
    quote: ParagraphStyle  # the family's own words
    small: ParagraphStyle
    muted: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    banner_note: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    label: ParagraphStyle
    bullet: ParagraphStyle  # bold, hanging after a bullet
    indented: ParagraphStyle  # aligned with the text of a bullet


def make_styles(scale: Scale = NORMAL, palette: Palette = PALETTE) -> Styles:
    register_fonts()
    s = scale
    p = palette

    def style(
        name: str, size: float, *, font: str = REGULAR, color: colors.Color = p.ink, **kw: Any
    ) -> ParagraphStyle:
        kw.setdefault("leading", round(size * s.leading, 1))
        return ParagraphStyle(name, fontName=font, fontSize=size, textColor=color, **kw)

    cell_size = s.body if s.large else s.body - 0.5
    return Styles(
        scale=s,
        palette=p,
        body=style("body", s.body, spaceAfter=s.body * 0.5, alignment=TA_LEFT),
        body_bold=style("body_bold", s.body, font=BOLD, spaceAfter=s.body * 0.3),
        quote=style("quote", s.body + (0 if s.large else 0.5), spaceAfter=s.body * 0.5),
        small=style("small", s.small, color=p.muted, spaceAfter=s.small * 0.4),
        muted=style("muted", s.body, color=p.muted, spaceAfter=s.body * 0.4),
        heading=style("heading", s.heading, font=BOLD, color=p.teal, spaceBefore=0, spaceAfter=0),
        subheading=style("subheading", s.subheading, font=BOLD, spaceBefore=s.body * 0.4, spaceAfter=4),
        title=style("title", s.title, font=BOLD, color=p.banner_text, leading=s.title * 1.1),
        subtitle=style("subtitle", s.subtitle, font=BOLD, color=p.banner_text, leading=s.subtitle * 1.25),
        banner_note=style("banner_note", s.body, color=p.banner_text),
        cell=style("cell", cell_size),
        cell_bold=style("cell_bold", cell_size, font=BOLD),
        cell_right=style("cell_right", cell_size, alignment=TA_RIGHT),
        label=style("label", s.small, font=BOLD, color=p.muted),
        bullet=style(
            "bullet",
            s.body,
            font=BOLD,
            leftIndent=s.body * 1.2,
            bulletIndent=0,
            bulletFontName=BOLD,
            bulletFontSize=s.body,
        ),
        indented=style("indented", cell_size, leftIndent=s.body * 1.2),
    )
