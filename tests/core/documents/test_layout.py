"""The pieces under the documents: fonts, plain words, the policy, snapshots, page furniture."""

from __future__ import annotations

from dataclasses import dataclass

from earlyhelp_desktop.core.documents.content import (
    Facts,
    Grid,
    Issue,
    PlanContent,
    ProfessionalContent,
    Section,
    Text,
    digest,
    from_json,
    to_json,
)
from earlyhelp_desktop.core.documents.fonts import missing_glyphs
from earlyhelp_desktop.core.documents.plan import render_plan
from earlyhelp_desktop.core.documents.policy import disclosure
from earlyhelp_desktop.core.documents.professional import render_professional
from earlyhelp_desktop.core.documents.words import jargon_in, long_date
from tests.family_builder import NAMES, flat, pdf_text


@dataclass
class Perm:
    agency: str
    access: str
    gets_copy: bool = False
    must_not_see: bool = False


@dataclass
class Someone:
    id: str
    must_not_know_whereabouts: bool = False


def test_the_fonts_have_every_letter_of_every_name() -> None:
    assert missing_glyphs("".join(NAMES)) == ""
    assert missing_glyphs("漢") == "漢"  # the check can fail


def test_jargon_is_recognised() -> None:
    assert jargon_in("Level 3, status signed_off, see TAF") == ["Level 3", "signed_off", "TAF", "signed_off"]
    assert jargon_in("We want mornings to be calmer.") == []
    assert long_date("2025-03-05", weekday=True) == "Wednesday 5 March 2025"


def test_agencies_that_must_not_see_are_recognised_in_any_wording() -> None:
    sharing = [Perm("police", "nothing", must_not_see=True), Perm("school", "everything")]
    shown = disclosure(
        confidential_address=False, household=[], sharing=sharing, labels={"police": "Devon Police"}
    )
    assert shown.hides("PC Brown (DEVON POLICE)") and shown.hides("police")
    assert not shown.hides("School") and not shown.hides("Policeman's Row Surgery")


def test_the_address_rule() -> None:
    sharing = [Perm("Devon Police", "nothing", must_not_see=True)]
    shown = disclosure(confidential_address=False, household=[Someone("a")], sharing=sharing, labels={})
    assert (
        shown.show_address and shown.hides("PC Brown (Devon Police)") and not shown.hides("Devon Libraries")
    )
    confidential = disclosure(confidential_address=True, household=[], sharing=[], labels={})
    assert not confidential.show_address and "confidential" in (confidential.address_note or "")
    someone = disclosure(
        confidential_address=False, household=[Someone("a"), Someone("b", True)], sharing=[], labels={}
    )
    assert not someone.show_address
    for_them = disclosure(
        confidential_address=False,
        household=[Someone("a")],
        sharing=[],
        labels={},
        for_person=Someone("c", True),
    )
    assert not for_them.show_address


def minimal_plan(**changes: object) -> PlanContent:
    base: dict[str, object] = dict(
        family_name="Llŷr",
        reference="TN-AAAA-BBBB",
        issue=Issue(4, "2025-03-05", "Łukasz Wójcik"),
        members=(),
        about_us=None,
        going_well=None,
        want_to_change=None,
        goals=(),
        other_steps=(),
        ratings=(),
        ratings_scale="",
        helpers=(),
        activities=(),
        next_review=None,
        share_with=(),
        share_note=None,
    )
    base.update(changes)
    return PlanContent(**base)  # type: ignore[arg-type]


def test_an_empty_plan_still_reads_kindly() -> None:
    built = render_plan(minimal_plan())
    text = flat(built.pdf)
    assert built.pages == 1 and "Page 1 of 1" in text
    assert "We have not agreed our goals yet." in text and "Please ask us first." in text
    assert "Version 4, given to us on 5 March 2025" in text


def test_text_that_looks_like_markup_is_printed_as_written() -> None:
    words = 'We <3 Fridays & "pizza night" <b>not bold</b>'
    assert words in flat(render_plan(minimal_plan(about_us=words)).pdf)


def test_very_long_words_from_the_family_split_across_pages() -> None:
    long = "\n\n".join(
        f"Paragraph {i}: " + "We talked about our week and what helps. " * 12 for i in range(40)
    )
    built = render_plan(minimal_plan(going_well=long))
    pages = pdf_text(built.pdf)
    assert built.pages == len(pages) >= 4
    assert "Paragraph 39:" in flat(built.pdf)


def test_the_same_content_gives_the_same_bytes_and_hash() -> None:
    content = minimal_plan(about_us="Zoë Ó Briain")
    assert render_plan(content).pdf == render_plan(content).pdf
    assert digest(to_json(content)) == digest(to_json(from_json(PlanContent, to_json(content))))


def test_professional_blocks_round_trip_and_render() -> None:
    content = ProfessionalContent(
        kind="review",
        title="Early help review record",
        family_name="Wójcik",
        reference="TN-AAAA-BBBB",
        prepared_for="School",
        printed_on="2025-03-05",
        printed_by="Nguyễn Thị Hoa",
        record_version="0000.device.op",
        address=(),
        address_note="Not shown: this is a confidential address.",
        sections=(
            Section("Facts", (Facts((("Held on", "5 March 2025"),), title="About"),)),
            Section("Words", (Text("Notes", "Siân Llŷr came."),)),
            Section("Table", (Grid(("A", "B"), (("1", "2"),), (1, 1)), Grid(("A",), (), (1,)))),
        ),
        copies_to=(),
    )
    assert from_json(ProfessionalContent, to_json(content)) == content
    text = flat(render_professional(content).pdf)
    assert "Siân Llŷr came." in text and "None recorded." in text and "Copies to: no one else." in text
