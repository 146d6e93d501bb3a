"""Documents for professionals: the assessment summary, review record and closure summary.

All three share one renderer: a header saying who the document was prepared for, the family's address
(or why it is not shown), then sections of facts, free text and tables. Every page is marked
OFFICIAL-SENSITIVE and says what it is, when and by whom it was printed, and "Page x of y".
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from earlyhelp_desktop.core.documents.content import Facts, Grid, ProfessionalContent, Section, Text
from earlyhelp_desktop.core.documents.layout import (
    Built,
    Furniture,
    build_pdf,
    content_width,
    esc,
    make_table,
    paragraphs,
)
from earlyhelp_desktop.core.documents.styles import PROFESSIONAL, Styles, make_styles
from earlyhelp_desktop.core.documents.words import join_words, long_date

MARGIN = 16 * mm


def render_professional(content: ProfessionalContent) -> Built:
    styles = make_styles(PROFESSIONAL)
    width = content_width(MARGIN)
    story = _header(content, styles, width)
    for section in content.sections:
        story += _section(section, styles, width)
    story += _copies(content, styles)
    printed = f"Printed {long_date(content.printed_on)} by {content.printed_by} for {content.prepared_for}"
    lines = [f"{content.title}: the {content.family_name} family ({content.reference})", printed]
    if content.record_version:
        lines.append(f"Record version {content.record_version}")
    furniture = Furniture(footer_lines=tuple(lines), marking=content.marking)
    title = f"{content.title}: the {content.family_name} family"
    return build_pdf(
        story, styles=styles, furniture=furniture, title=title, subject=content.title, margin=MARGIN
    )


def _header(content: ProfessionalContent, s: Styles, width: float) -> list[Flowable]:
    p = s.palette
    title = Paragraph(esc(content.title), s.title.clone("doc_title", textColor=p.official))
    family = Paragraph(
        esc(f"The {content.family_name} family  ·  {content.reference}"),
        s.subtitle.clone("fam", textColor=p.ink),
    )
    box = [
        Paragraph("Prepared for", s.label),
        Paragraph(esc(content.prepared_for), s.body_bold),
        Paragraph("Printed", s.label),
        Paragraph(esc(f"{long_date(content.printed_on)} by {content.printed_by}"), s.cell),
    ]
    table = make_table([[[title, Spacer(1, 3), family], box]], colWidths=[width * 0.66, width * 0.34])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (1, 0), (1, 0), p.teal_soft),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (1, 0), (1, 0), 6),
                ("BOTTOMPADDING", (1, 0), (1, 0), 6),
                ("LINEBELOW", (0, 0), (-1, 0), 1.4, p.official),
            ]
        )
    )
    out: list[Flowable] = [table, Spacer(1, 8)]
    if content.address:
        address = esc(", ".join(content.address))
    else:
        address = f"<i>{esc(content.address_note or 'Not shown.')}</i>"
    out.append(_facts(Facts((("Address", address),)), s, width, escape=False))
    return out


def _section(section: Section, s: Styles, width: float) -> list[Flowable]:
    p = s.palette
    heading = Paragraph(esc(section.title), s.heading.clone("section", textColor=p.official, spaceBefore=10))
    rule = make_table([[""]], colWidths=[width], rowHeights=[2])
    rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, -1), 0.8, p.official)]))
    blocks: list[Flowable] = []
    for block in section.blocks:
        if isinstance(block, Text):
            blocks += _text(block, s)
            continue
        table = _facts(block, s, width) if isinstance(block, Facts) else _grid(block, s, width)
        if block.title:
            blocks += [CondPageBreak(70), Paragraph(esc(block.title), s.subheading), table]
        else:
            blocks.append(table)
    if not blocks:
        blocks = [Paragraph("Nothing recorded.", s.muted)]
    if isinstance(blocks[0], CondPageBreak):
        blocks = blocks[1:]
    return [CondPageBreak(110), heading, rule, *blocks]


def _facts(facts: Facts, s: Styles, width: float, *, escape: bool = True) -> Table:
    rows = [
        [Paragraph(esc(label), s.cell_bold), Paragraph(esc(value) if escape else value, s.cell)]
        for label, value in facts.rows
    ]
    table = make_table(rows, colWidths=[width * 0.28, width * 0.72], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, s.palette.rule),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _text(block: Text, s: Styles) -> list[Flowable]:
    body = paragraphs(block.text, s.body) or [Paragraph("Nothing recorded.", s.muted)]
    return [KeepTogether([Paragraph(esc(block.label), s.subheading), body[0]]), *body[1:]]


def _grid(grid: Grid, s: Styles, width: float) -> Flowable:
    if not grid.rows:
        return Paragraph(esc(grid.empty), s.muted)
    total = sum(grid.widths)
    widths = [width * w / total for w in grid.widths]
    rows = [[Paragraph(esc(h), s.label) for h in grid.header]]
    rows += [[Paragraph(esc(cell), s.cell) for cell in row] for row in grid.rows]
    table = make_table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), s.palette.teal_soft),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, s.palette.rule),
                ("BOX", (0, 0), (-1, -1), 0.6, s.palette.rule),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _copies(content: ProfessionalContent, s: Styles) -> list[Flowable]:
    text = (
        f"Copies to: {esc(join_words(list(content.copies_to)))}."
        if content.copies_to
        else "Copies to: no one else. Check the family's sharing permissions before passing this on."
    )
    note = (
        "This document contains personal information shared under the family's agreement. Keep it secure, "
        "share it only as the family agreed, and destroy it when it is no longer needed."
    )
    return [
        Spacer(1, 10),
        Paragraph(text, s.body),
        Paragraph(note, s.small.clone("note", textColor=colors.black)),
    ]
