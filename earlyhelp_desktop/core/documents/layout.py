"""Page furniture and the flowables the documents share: banner, section headings, cards, bars.

``build_pdf`` lays a story out on A4 and writes "Page x of y" and the issue line on every page: the
canvas keeps each page until the end, when the total is known (one layout pass, no second build).
Documents are built with reportlab's ``invariant`` flag, so the same content always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from earlyhelp_desktop.core.documents.fonts import BOLD, REGULAR
from earlyhelp_desktop.core.documents.styles import Styles

PAGE_WIDTH, PAGE_HEIGHT = A4


@dataclass(frozen=True)
class Furniture:
    """What every page carries besides the story."""

    footer_lines: tuple[str, ...]  # bottom left, first line bold
    marking: str | None = None  # e.g. OFFICIAL-SENSITIVE, top and bottom centre
    stripe: colors.Color | None = None  # a band across the top edge


@dataclass(frozen=True)
class Built:
    pdf: bytes
    pages: int


def esc(text: str | None) -> str:
    """Text safe inside a reportlab Paragraph (its markup is XML-like); line breaks kept."""
    if not text:
        return ""
    cleaned = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br/>".join(line.rstrip() for line in cleaned.strip().splitlines())


def paragraphs(text: str | None, style: Any) -> list[Flowable]:
    """Free text as paragraphs: blank lines separate paragraphs, single line breaks are kept."""
    if not text or not text.strip():
        return []
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [Paragraph(esc(b), style) for b in blocks]


def _canvas_class(furniture: Furniture, styles: Styles, margin: float) -> type[Canvas]:
    scale = styles.scale
    palette = styles.palette

    class FurnishedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furnish(number, total)
                Canvas.showPage(self)
            self.page_total = total
            Canvas.save(self)

        def _furnish(self, number: int, total: int) -> None:
            self.saveState()
            if furniture.stripe is not None:
                self.setFillColor(furniture.stripe)
                self.rect(0, PAGE_HEIGHT - 4 * mm, PAGE_WIDTH, 4 * mm, stroke=0, fill=1)
            size = scale.footer
            line = size * 1.3
            y = margin * 0.42 + line * (len(furniture.footer_lines) - 1)
            self.setStrokeColor(palette.rule)
            self.setLineWidth(0.6)
            top = y + line * 0.9
            self.line(margin, top, PAGE_WIDTH - margin, top)
            self.setFillColor(palette.muted)
            for i, text in enumerate(furniture.footer_lines):
                self.setFont(BOLD if i == 0 else REGULAR, size)
                self.drawString(margin, y - i * line, text)
            self.setFont(BOLD, size)
            self.setFillColor(palette.ink)
            self.drawRightString(PAGE_WIDTH - margin, y, f"Page {number} of {total}")
            if furniture.marking:
                self.setFont(BOLD, size)
                self.setFillColor(palette.official)
                self.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - margin * 0.55, furniture.marking)
                self.drawCentredString(PAGE_WIDTH / 2, margin * 0.42 - line * 1.2, furniture.marking)
            self.restoreState()

    return FurnishedCanvas


def build_pdf(
    story: Sequence[Flowable],
    *,
    styles: Styles,
    furniture: Furniture,
    title: str,
    subject: str,
    margin: float = 18 * mm,
) -> Built:
    """Lays ``story`` out on A4 pages with the furniture; returns the PDF bytes and the page count."""
    footer_height = styles.scale.footer * 1.3 * (len(furniture.footer_lines) + 1) + margin * 0.5
    bottom = max(margin, footer_height + 4 * mm)
    top = margin + (styles.scale.footer * 1.2 if furniture.marking else 0)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        subject=subject,
        author="Early Help Desktop",
        creator="Early Help Desktop",
        producer="Early Help Desktop (reportlab)",
        invariant=True,
        lang="en-GB",
        displayDocTitle=True,
        initialFontName=REGULAR,  # never a built-in font: it lacks letters such as ŷ and ễ
        initialFontSize=styles.scale.body,
    )
    frame = Frame(
        margin,
        bottom,
        PAGE_WIDTH - 2 * margin,
        PAGE_HEIGHT - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    cls = _canvas_class(furniture, styles, margin)
    made: list[Canvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
        canvas = cls(*args, **kwargs)
        made.append(canvas)
        return canvas

    doc.build(list(story), canvasmaker=make_canvas)
    pages = int(getattr(made[-1], "page_total", 0)) if made else 0
    return Built(buffer.getvalue(), pages)


def content_width(margin: float = 18 * mm) -> float:
    return float(PAGE_WIDTH - 2 * margin)


# -- flowables -----------------------------------------------------------------------------------


def make_table(data: Sequence[Sequence[Any]], **kwargs: Any) -> Table:
    """A reportlab Table whose plain-string cells (even blank ones) use DejaVu, never Helvetica."""
    table = Table(data, **kwargs)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)]))
    return table


class Banner(Flowable):  # type: ignore[misc]
    """The title panel at the top of page 1: rounded, coloured, with a small drawn motif."""

    def __init__(self, parts: Sequence[Paragraph], colour: colors.Color, motif: bool = True) -> None:
        super().__init__()
        self.parts = list(parts)
        self.colour = colour
        self.motif = motif
        self.pad = 7 * mm
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        text_width = avail_width - 2 * self.pad - (32 * mm if self.motif else 0)
        self._sizes = [p.wrap(text_width, avail_height) for p in self.parts]
        self.height = sum(h for _, h in self._sizes) + 2 * self.pad + 2 * mm * (len(self.parts) - 1)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.colour)
        c.roundRect(0, 0, self.width, self.height, 5 * mm, stroke=0, fill=1)
        if self.motif:  # three overlapping circles: a family, drawn simply
            cx, cy = self.width - 22 * mm, self.height / 2
            for dx, dy, r, tint in ((-7, -2, 9, 0.25), (6, 3, 11, 0.18), (1, -6, 6, 0.32)):
                c.setFillColor(colors.Color(1, 1, 1, alpha=tint))
                c.circle(cx + dx * mm, cy + dy * mm, r * mm, stroke=0, fill=1)
        y = self.height - self.pad
        for part, (_, h) in zip(self.parts, self._sizes, strict=True):
            y -= h
            part.drawOn(c, self.pad, y)
            y -= 2 * mm


class SectionHeading(Flowable):  # type: ignore[misc]
    """A section title with a round coloured badge holding a symbol (the words carry the meaning)."""

    def __init__(self, text: str, symbol: str, colour: colors.Color, styles: Styles) -> None:
        super().__init__()
        self.para = Paragraph(esc(text), styles.heading)
        self.symbol = symbol
        self.colour = colour
        self.styles = styles
        self.badge = styles.scale.heading * 1.55
        self.spaceBefore = styles.scale.body * 1.1
        self.spaceAfter = styles.scale.body * 0.55

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        gap = self.badge * 0.45
        _, h = self.para.wrap(avail_width - self.badge - gap, avail_height)
        self.text_height = h
        self.height = max(self.badge, h) + 3
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        r = self.badge / 2
        cy = self.height - r
        c.setFillColor(self.colour)
        c.circle(r, cy, r, stroke=0, fill=1)
        c.setFillColor(colors.white)
        size = self.styles.scale.heading * 0.95
        c.setFont(REGULAR, size)
        c.drawCentredString(r, cy - size * 0.36, self.symbol)
        gap = self.badge * 0.45
        text_y = (
            cy - self.text_height / 2 if self.text_height <= self.badge else self.height - self.text_height
        )
        self.para.drawOn(c, self.badge + gap, text_y)
        c.setStrokeColor(self.styles.palette.rule)
        c.setLineWidth(0.8)
        c.line(self.badge + gap, 0.5, self.width, 0.5)


class Bar(Flowable):  # type: ignore[misc]
    """A segmented bar: ``value`` of ``scale_max`` segments filled. Paired with the number in words."""

    def __init__(
        self, value: int, scale_max: int, colour: colors.Color, styles: Styles, width: float
    ) -> None:
        super().__init__()
        self.value = max(0, min(value, scale_max))
        self.scale_max = max(scale_max, 1)
        self.colour = colour
        self.styles = styles
        self.width = width
        self.height = styles.scale.body * 0.95

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        gap = 1.6
        seg = (self.width - gap * (self.scale_max - 1)) / self.scale_max
        for i in range(self.scale_max):
            x = i * (seg + gap)
            filled = i < self.value
            c.setFillColor(self.colour if filled else colors.white)
            c.setStrokeColor(self.colour if filled else self.styles.palette.rule)
            c.setLineWidth(0.8)
            c.roundRect(x, 0, seg, self.height, min(2.2, seg / 3), stroke=1, fill=1)


def card(
    flowables: Sequence[Flowable],
    width: float,
    background: colors.Color,
    *,
    padding: float = 5 * mm,
    border: colors.Color | None = None,
) -> Table:
    """A rounded, tinted panel around flowables. It may split across pages if it is long."""
    table = make_table([[list(flowables)]], colWidths=[width], splitInRow=1, cornerRadii=[3 * mm] * 4)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if border is not None:
        commands.append(("BOX", (0, 0), (-1, -1), 0.8, border))
    table.setStyle(TableStyle(commands))
    return table


class WritingSpace(Flowable):  # type: ignore[misc]
    """A heading and ruled lines for the family to write on, filling what is left of the last page.

    Shown only if at least ``least`` lines fit there: it never adds a page of its own.
    """

    def __init__(self, heading: Flowable, styles: Styles, least: int = 3, most: int = 7) -> None:
        super().__init__()
        self.heading = heading
        self.styles = styles
        self.least = least
        self.most = most
        self.pitch = styles.scale.body * 2.3
        self.count = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        # the heading, a gap above it and below it (the gap above lives inside: no page of its own)
        heading_height = self.heading.wrap(avail_width, avail_height)[1] + self.styles.scale.body * 2.5
        lines = int((avail_height - heading_height) // self.pitch)
        self.count = min(lines, self.most) if lines >= self.least else 0
        self.heading_height = heading_height
        self.height = heading_height + self.count * self.pitch if self.count else 0
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []  # never pushed to a page of its own

    def draw(self) -> None:
        if not self.count:
            return
        c = self.canv
        lines_height = self.count * self.pitch
        self.heading.drawOn(c, 0, lines_height + self.styles.scale.body * 0.6)
        c.setStrokeColor(self.styles.palette.rule)
        c.setLineWidth(0.7)
        for i in range(self.count):
            c.line(0, i * self.pitch + 1, self.width, i * self.pitch + 1)
