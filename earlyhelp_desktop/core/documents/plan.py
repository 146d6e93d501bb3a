""" "Our family plan": the plan a family keeps, in their own words, rendered from its content.

The family's words come first (about us, what is going well, what we'd like to change), then the goals
with who does what by when, who is helping, activities, the family's own ratings, the next review and
who they are happy to share the plan with. Every page says which issue of the plan it is and "Page x of
y". Large print sets every piece of text at 16 pt or more and stacks tables into lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from earlyhelp_desktop.core.documents.content import Activity, Goal, Helper, PlanContent, Rating, Step
from earlyhelp_desktop.core.documents.fonts import BOLD
from earlyhelp_desktop.core.documents.layout import (
    PAGE_HEIGHT,
    Banner,
    Bar,
    Built,
    Furniture,
    SectionHeading,
    WritingSpace,
    build_pdf,
    card,
    content_width,
    esc,
    make_table,
    paragraphs,
)
from earlyhelp_desktop.core.documents.styles import LARGE, NORMAL, Styles, make_styles
from earlyhelp_desktop.core.documents.words import join_words, long_date, short_date

MARGIN = 17 * mm
INTRO = (
    "This is our plan, in our own words. It is ours to keep. We can show it to anyone we choose, "
    "so we don't have to tell our story again."
)


def issue_line(content: PlanContent) -> str:
    issue = content.issue
    when = long_date(issue.issued_on)
    if issue.number is None:
        return f"Preview only, not yet given to the family ({when})"
    return f"Version {issue.number}, given to us on {when}"


def render_plan(content: PlanContent) -> Built:
    """The family plan as PDF bytes (A4)."""
    styles = make_styles(LARGE if content.issue.large_print else NORMAL)
    story = _story(content, styles)
    first = f"{content.title}: the {content.family_name} family"
    reference = f"Our reference {content.reference}"
    lines: tuple[str, ...]
    if styles.scale.large:
        lines = (first, issue_line(content), reference)
    else:
        lines = (first, f"{issue_line(content)}  ·  {reference}")
    furniture = Furniture(footer_lines=lines, stripe=styles.palette.teal)
    title = f"{content.title}: the {content.family_name} family"
    return build_pdf(
        story, styles=styles, furniture=furniture, title=title, subject=issue_line(content), margin=MARGIN
    )


def _story(content: PlanContent, s: Styles) -> list[Flowable]:
    p = s.palette
    width = content_width(MARGIN)
    banner = Banner(
        [
            Paragraph(esc(content.title), s.title),
            Paragraph(esc(f"The {content.family_name} family"), s.subtitle),
            Paragraph(esc(INTRO), s.banner_note),
        ],
        p.teal,
        motif=not s.scale.large,
    )
    story: list[Flowable] = [banner, Spacer(1, s.scale.body * 0.6)]
    issued_by = f" by {content.issue.issued_by}" if content.issue.issued_by and content.issue.number else ""
    story.append(Paragraph(esc(issue_line(content) + issued_by + "."), s.muted))

    story += _section("About us", "⌂", p.teal, s)
    if content.members:
        names = [f"<b>{_nobreak(m.name)}</b> ({esc(m.relationship)})" for m in content.members]
        story.append(Paragraph("In our family: " + join_words(names) + ".", s.body))
    story += paragraphs(content.about_us, s.quote) or [
        Paragraph("We have not written this part yet.", s.muted)
    ]

    for heading, symbol, text, background, deep in (
        ("What is going well", "☀", content.going_well, p.sun, p.sun_deep),
        ("What we'd like to change", "✎", content.want_to_change, p.sky, p.sky_deep),
    ):
        story += _section(heading, symbol, deep, s)
        body = paragraphs(text, s.quote) or [Paragraph("We have not written this part yet.", s.muted)]
        story.append(card(body, width, background))

    story += _section("Our goals", "★", p.coral, s)
    if not content.goals:
        story.append(Paragraph("We have not agreed our goals yet.", s.muted))
    for number, goal in enumerate(content.goals, start=1):
        story += _goal(number, goal, s, width)
    if content.other_steps:
        story.append(
            _steps_table(content.other_steps, s, width, Paragraph("Other things we agreed", s.subheading))
        )

    if content.ratings:
        story += _section("How we feel things are going", "♥", p.lilac_deep, s)
        story.append(Paragraph(esc(f"We scored these ourselves. {content.ratings_scale}"), s.muted))
        story.append(_ratings(content.ratings, s, width))

    story += _section("Who is helping us", "☎", p.teal, s)
    story += _helpers(content.helpers, s, width)

    if content.activities:
        story += _section("Activities we are linked to", "✿", p.coral, s)
        story += _activities(content.activities, s, width)

    story += _section("Our next review", "◷", p.sky_deep, s)
    if content.next_review:
        when = long_date(content.next_review, weekday=True)
        story.append(Paragraph(f"We will meet to look at this plan again on <b>{esc(when)}</b>.", s.body))
    else:
        story.append(Paragraph("We will agree the date of our next review soon.", s.body))

    story += _section("Who we are happy to share this plan with", "✉", p.teal, s)
    if content.share_with:
        listed = join_words([f"<b>{esc(a)}</b>" for a in content.share_with])
        story.append(Paragraph(f"We are happy for {listed} to see this plan.", s.body))
    else:
        story.append(Paragraph("We have not said who else may see this plan. Please ask us first.", s.body))
    story += paragraphs(content.share_note, s.quote)

    heading = SectionHeading("Things we want to talk about next time", "✍", p.lilac_deep, s)
    story.append(WritingSpace(heading, s))
    return _keep_heading_with_start(story, width)


def _nobreak(name: str) -> str:
    return "&nbsp;".join(esc(part) for part in name.split())


def _section(title: str, symbol: str, colour: colors.Color, s: Styles) -> list[Flowable]:
    return [SectionHeading(title, symbol, colour, s)]


def _keep_heading_with_start(story: list[Flowable], width: float) -> list[Flowable]:
    """Before each section heading, a conditional page break big enough for the heading and the start
    of what follows (a paragraph, a card, or a goal's first rows), so no heading is left alone."""
    out: list[Flowable] = []
    for i, item in enumerate(story):
        if isinstance(item, SectionHeading) and i + 1 < len(story):
            follower = story[i + 1]
            head_h = item.wrap(width, PAGE_HEIGHT)[1] + item.spaceBefore + item.spaceAfter
            out.append(CondPageBreak(head_h + _start_height(follower, width)))
        out.append(item)
    return out


def _start_height(item: Flowable, width: float) -> float:
    if isinstance(item, KeepTogether):
        item = item._content[0]  # noqa: SLF001 - measure its first part only
    height = float(item.wrap(width, PAGE_HEIGHT)[1])
    rows = getattr(item, "keep_rows", 0)
    if rows and isinstance(item, Table):
        return float(sum(item._rowHeights[:rows]))  # noqa: SLF001 - known after wrap
    return min(height, 150.0)


def _goal(number: int, goal: Goal, s: Styles, width: float) -> list[Flowable]:
    """One goal: its card, then its steps; the card never ends a page without its first step."""
    p = s.palette
    head: list[Flowable] = [Paragraph(f"Goal {number}", s.label), Paragraph(esc(goal.text), s.body_bold)]
    if goal.achieved:
        head.append(Paragraph(f'<font color="{p.teal.hexval()}">✔ We did it!</font>', s.body_bold))
    if goal.rating is not None:
        head.append(Paragraph(f"Our own score, out of {goal.rating.scale_max}", s.label))
        head.append(_rating_lines(goal.rating, s, width - 10 * mm, p.coral))
    goal_card = card(head, width, p.coral_soft)
    table = _steps_table(goal.steps, s, width, goal_card)
    return [table, Spacer(1, s.scale.body * 0.9)]


def _steps_table(steps: Sequence[Step], s: Styles, width: float, lead: Flowable | None = None) -> Table:
    """Steps as one table (its first rows kept together with ``lead``, e.g. the goal's card)."""
    p = s.palette
    large = s.scale.large  # a list reads better than a four-column table at 16 pt
    ncols = 1 if large else 4
    widths = [width] if large else [width * f for f in (0.43, 0.22, 0.17, 0.18)]
    rows: list[list[Flowable | str]] = []
    style: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if lead is not None:
        rows.append([lead] + [""] * (ncols - 1))
        style += [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (-1, 0), 0)]
        style += [("RIGHTPADDING", (0, 0), (-1, 0), 0), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]
    header_row = len(rows)
    if steps and not large:
        rows.append([Paragraph(h, s.label) for h in ("What will happen", "Who", "By when", "How it's going")])
        style.append(("LINEBELOW", (0, header_row), (-1, header_row), 0.9, p.coral))
    for step in steps:
        done = step.progress == "Done"
        progress = f"✔ {step.progress}" if done else step.progress
        if large:
            detail = [f"Who: {esc(step.who)}"]
            if step.by_when:
                detail.append(f"By: {esc(long_date(step.by_when))}")
            detail.append(esc(progress))
            rows.append(
                [
                    [
                        Paragraph(esc(step.text), s.bullet, bulletText="•"),
                        Paragraph(" · ".join(detail), s.indented),
                    ]
                ]
            )
        else:
            rows.append(
                [
                    Paragraph(esc(step.text), s.cell),
                    Paragraph(esc(step.who), s.cell),
                    Paragraph(esc(short_date(step.by_when)) or "—", s.cell),
                    Paragraph(esc(progress), s.cell_bold if done else s.cell),
                ]
            )
        style.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.5, p.rule))
    first_step = header_row + (0 if large else 1)
    keep = min(len(rows), first_step + 1)
    style.append(("NOSPLIT", (0, 0), (-1, keep - 1)))
    repeat = (header_row,) if steps and not large else 0
    table = make_table(rows, colWidths=widths, repeatRows=repeat)
    table.setStyle(TableStyle(style))
    table.keep_rows = keep
    return table


def _rating_lines(rating: Rating, s: Styles, width: float, colour: colors.Color) -> Table:
    """'Before' and 'Now' bars for one rating, each with its number in words."""
    label_w = stringWidth("Before", BOLD, s.cell_bold.fontSize) + 8
    bar_w = min(width * 0.4, s.scale.body * (rating.scale_max * 1.5 if rating.scale_max <= 5 else 11))
    rows = []
    if rating.previous is not None:
        rows.append(
            _bar_row(
                "Before", rating.previous, rating.scale_max, rating.previous_on, s, bar_w, s.palette.teal_mid
            )
        )
    rows.append(_bar_row("Now", rating.latest, rating.scale_max, rating.latest_on, s, bar_w, colour))
    table = make_table(rows, colWidths=[label_w, bar_w + 6, width - label_w - bar_w - 6], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _bar_row(
    label: str, value: int, scale_max: int, on: str | None, s: Styles, bar_w: float, colour: colors.Color
) -> list[Flowable]:
    when = f" ({short_date(on)})" if on and not s.scale.large else ""
    return [
        Paragraph(label, s.cell_bold),
        Bar(value, scale_max, colour, s, bar_w),
        Paragraph(esc(f"{value} out of {scale_max}{when}"), s.cell),
    ]


def _ratings(ratings: Sequence[Rating], s: Styles, width: float) -> Table:
    rows = []
    for rating in ratings:
        rows.append(
            [
                Paragraph(esc(rating.label), s.cell_bold),
                _rating_lines(rating, s, width * 0.64, s.palette.lilac_deep),
            ]
        )
    pairs: list[tuple[object, ...]] = []
    if s.scale.large:
        rows = [[cell] for row in rows for cell in row]
        col_widths = [width]
        pairs = [("NOSPLIT", (0, i), (0, i + 1)) for i in range(0, len(rows), 2)]
        pairs += [("LINEBELOW", (0, i + 1), (0, i + 1), 0.5, s.palette.rule) for i in range(0, len(rows), 2)]
    else:
        col_widths = [width * 0.34, width * 0.66]
        pairs = [("LINEBELOW", (0, 0), (-1, -1), 0.5, s.palette.rule)]
    table = make_table(rows, colWidths=col_widths)
    table.setStyle(
        TableStyle(
            [
                *pairs,
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _helpers(helpers: Sequence[Helper], s: Styles, width: float) -> list[Flowable]:
    if not helpers:
        return [Paragraph("We will add the people helping us here.", s.muted)]
    rows = []
    for h in helpers:
        who = f"<b>{esc(h.name)}</b>"
        if h.role:
            who += f"<br/>{esc(h.role)}"
        if h.main_contact:
            who += "<br/><i>Our main contact</i>"
        contact = "<br/>".join(esc(c) for c in h.contact) or "Ask our main contact"
        rows.append([Paragraph(who, s.cell), Paragraph(contact, s.cell)])
    if s.scale.large:
        rows = [[cell] for row in rows for cell in row]
        widths = [width]
    else:
        widths = [width * 0.5, width * 0.5]
    table = make_table(rows, colWidths=widths)
    style: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
    step = 2 if s.scale.large else 1
    for i in range(step - 1, len(rows), step):
        style.append(("LINEBELOW", (0, i), (-1, i), 0.5, s.palette.rule))
    table.setStyle(TableStyle(style))
    return [table]


def _activities(activities: Sequence[Activity], s: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    for a in activities:
        name = f"<b>{esc(a.name)}</b>"
        if a.organisation and a.organisation != a.name:
            name += f" with {esc(a.organisation)}"
        if a.for_whom:
            name += f" (for {esc(a.for_whom)})"
        lines = [Paragraph(name, s.body_bold if s.scale.large else s.body)]
        facts = [
            ("Where", a.where),
            ("When", a.when),
            ("Cost", a.cost),
            ("Contact", a.contact),
            ("Where we are up to", a.progress),
        ]
        detail = "<br/>".join(f"<b>{label}:</b> {esc(value)}" for label, value in facts if value)
        lines.append(Paragraph(detail, s.cell))
        out.append(KeepTogether([card(lines, width, s.palette.teal_soft, padding=4 * mm), Spacer(1, 2 * mm)]))
    return out
