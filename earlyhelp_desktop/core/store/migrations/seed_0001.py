"""Reference data seeded by the first migration (frozen: later changes get their own migration).

Lists come from English councils' published early help forms and national frameworks (DOMAIN.md).
Every seeded row has an id and version derived from its content, so every laptop and the server hold
identical rows without syncing them. Only free instruments are shipped (ONS4, a family-scored scale);
licensed ones (Outcomes Star, WEMWBS) are loaded by an organisation under its own licence.
"""

from __future__ import annotations

import uuid
from typing import Any

NAMESPACE = uuid.UUID("6f1d3c52-8a7e-4c1b-9d2e-0b7a5e4c3f21")
SEED_DEVICE = "0" * 16
SEED_USER = "seed"


def seed_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(("seed", *parts))))


def seed_version(row_id: str) -> str:
    return f"{0:016x}.{SEED_DEVICE}.{uuid.UUID(row_id).hex}"


LISTS: dict[str, list[tuple[str, str, dict[str, Any] | None]]] = {
    "level_of_need": [
        ("1", "Universal", {"description": "Needs met by everyday services"}),
        ("2", "Additional", {"description": "Single agency or early help"}),
        ("3", "Multiple or complex", {"description": "Targeted early help with a lead practitioner"}),
        (
            "4",
            "Acute or specialist",
            {"description": "Children's social care: child in need, child protection"},
        ),
    ],
    "assessment_domain": [
        ("health", "Health", {"group": "child_development"}),
        ("education", "Education and learning", {"group": "child_development"}),
        ("emotional_behavioural", "Emotional and behavioural development", {"group": "child_development"}),
        ("identity", "Identity", {"group": "child_development"}),
        ("family_social_relationships", "Family and social relationships", {"group": "child_development"}),
        ("social_presentation", "Social presentation", {"group": "child_development"}),
        ("self_care", "Self-care skills", {"group": "child_development"}),
        ("basic_care", "Basic care", {"group": "parenting_capacity"}),
        ("ensuring_safety", "Ensuring safety", {"group": "parenting_capacity"}),
        ("emotional_warmth", "Emotional warmth", {"group": "parenting_capacity"}),
        ("stimulation", "Stimulation", {"group": "parenting_capacity"}),
        ("guidance_boundaries", "Guidance and boundaries", {"group": "parenting_capacity"}),
        ("stability", "Stability", {"group": "parenting_capacity"}),
        ("family_history", "Family history and functioning", {"group": "family_environment"}),
        ("wider_family", "Wider family", {"group": "family_environment"}),
        ("housing", "Housing", {"group": "family_environment"}),
        ("employment", "Employment", {"group": "family_environment"}),
        ("income", "Income", {"group": "family_environment"}),
        ("social_integration", "Family's social integration", {"group": "family_environment"}),
        ("community_resources", "Community resources", {"group": "family_environment"}),
    ],
    "assessment_domain_group": [
        ("child_development", "Child's developmental needs", None),
        ("parenting_capacity", "Parenting capacity", None),
        ("family_environment", "Family and environmental factors", None),
    ],
    "closure_reason": [
        ("needs_met", "Needs met, outcomes achieved", None),
        ("single_agency", "Remaining actions can be carried by a single agency", None),
        ("stepped_up", "Stepped up to social care", None),
        ("agreement_withdrawn", "Family no longer wishes to take part", None),
        ("moved_away", "Moved out of area", None),
        ("not_engaging", "Not engaging", None),
    ],
    "outcome_category": [
        ("education", "Getting a good education", None),
        ("early_years", "Good early years development", None),
        ("health", "Improved mental and physical health", None),
        ("substance_use", "Better managed substance use", None),
        ("family_relationships", "Improved family relationships", None),
        ("safe_from_abuse", "Children safe from abuse and exploitation", None),
        ("crime", "Families diverted from crime", None),
        ("domestic_abuse", "Safe from domestic abuse", None),
        ("housing", "Secure housing", None),
        ("financial_stability", "Financial stability", None),
    ],
    "asset_category": [
        ("baby_toddler", "Baby and toddler groups", None),
        ("parenting", "Parenting support", None),
        ("mental_wellbeing", "Mental health and wellbeing", None),
        ("physical_activity", "Physical activity and sport", None),
        ("food", "Food clubs, pantries and cooking", None),
        ("money_advice", "Money, debt and benefits advice", None),
        ("employment_skills", "Employment, skills and learning", None),
        ("arts_creativity", "Arts and creativity", None),
        ("peer_support", "Peer support", None),
        ("youth", "Youth clubs and activities", None),
        ("nature", "Nature, gardening and outdoors", None),
        ("digital", "Digital skills", None),
        ("domestic_abuse_support", "Domestic abuse support", None),
        ("housing_advice", "Housing advice", None),
        ("send_support", "Support for special educational needs", None),
        ("volunteering", "Volunteering", None),
        ("faith_community", "Faith and community groups", None),
    ],
    "relationship": [
        (code, label, None)
        for code, label in [
            ("mother", "Mother"),
            ("father", "Father"),
            ("stepmother", "Stepmother"),
            ("stepfather", "Stepfather"),
            ("partner", "Partner of parent"),
            ("son", "Son"),
            ("daughter", "Daughter"),
            ("stepson", "Stepson"),
            ("stepdaughter", "Stepdaughter"),
            ("child", "Child"),
            ("unborn", "Unborn child"),
            ("grandmother", "Grandmother"),
            ("grandfather", "Grandfather"),
            ("aunt", "Aunt"),
            ("uncle", "Uncle"),
            ("sibling", "Sibling"),
            ("foster_carer", "Foster carer"),
            ("kinship_carer", "Kinship carer"),
            ("friend", "Family friend"),
            ("other", "Other"),
        ]
    ],
    "contact_kind": [
        ("visit", "Home or venue visit", None),
        ("call", "Phone or video call", None),
        ("message", "Message, text or email", None),
        ("group", "Group session", None),
        ("other", "Other", None),
    ],
    "agency": [
        (code, label, None)
        for code, label in [
            ("school", "School"),
            ("early_years", "Nursery or early years setting"),
            ("college", "College"),
            ("gp", "GP"),
            ("health_visitor", "Health visitor"),
            ("school_nurse", "School nurse"),
            ("midwife", "Midwife"),
            ("mental_health", "Mental health service (including CAMHS)"),
            ("housing", "Housing"),
            ("police", "Police"),
            ("social_care", "Children's social care"),
            ("adult_services", "Adult services"),
            ("probation", "Probation"),
            ("dwp", "Jobcentre Plus / DWP"),
            ("voluntary", "Voluntary or community organisation"),
            ("substance_misuse", "Drug and alcohol service"),
            ("domestic_abuse", "Domestic abuse service"),
            ("youth_justice", "Youth justice"),
        ]
    ],
    "flag": [
        ("do_not_visit_alone", "Do not visit alone", None),
        ("animals", "Animals at the property", None),
        ("lone_working_risk", "Lone working risk", None),
        ("safeguarding_concern", "Safeguarding concern recorded", None),
        ("communication_needs", "Communication needs: check before contact", None),
    ],
    "gender": [
        ("female", "Female", None),
        ("male", "Male", None),
        ("non_binary", "Non-binary", None),
        ("other", "Another way", None),
        ("not_known", "Not known", None),
        ("not_stated", "Prefer not to say", None),
    ],
    "ethnicity": [
        (code, label, None)
        for code, label in [
            ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
            ("asian_chinese", "Asian or Asian British: Chinese"),
            ("asian_indian", "Asian or Asian British: Indian"),
            ("asian_pakistani", "Asian or Asian British: Pakistani"),
            ("asian_other", "Asian or Asian British: any other Asian background"),
            ("black_african", "Black, Black British, Caribbean or African: African"),
            ("black_caribbean", "Black, Black British, Caribbean or African: Caribbean"),
            ("black_other", "Black, Black British, Caribbean or African: any other background"),
            ("mixed_white_asian", "Mixed or multiple: White and Asian"),
            ("mixed_white_black_african", "Mixed or multiple: White and Black African"),
            ("mixed_white_black_caribbean", "Mixed or multiple: White and Black Caribbean"),
            ("mixed_other", "Mixed or multiple: any other background"),
            ("white_british", "White: English, Welsh, Scottish, Northern Irish or British"),
            ("white_irish", "White: Irish"),
            ("white_gypsy_traveller", "White: Gypsy or Irish Traveller"),
            ("white_roma", "White: Roma"),
            ("white_other", "White: any other White background"),
            ("other_arab", "Other ethnic group: Arab"),
            ("other", "Other ethnic group: any other"),
            ("not_stated", "Prefer not to say"),
        ]
    ],
    "link_status": [
        ("offered", "Offered", None),
        ("referred", "Referred", {"snomed": "871731000000106"}),
        ("accepted", "Accepted", None),
        ("declined", "Declined", {"snomed": "871711000000103"}),
        ("attended", "Attended", None),
        ("completed", "Completed", None),
        ("stopped", "Stopped", None),
    ],
    "terms": [
        ("service_name", "Early help", {"note": "Councils under Families First may say 'Family Help'"}),
        ("plan_title", "Our family plan", None),
    ],
    "front_door": [
        (
            "contact",
            "Children's Services front door (MASH)",
            {
                "phone": "0300 000 0000",
                "out_of_hours": "0300 000 0001",
                "steps": [
                    "If a child is in immediate danger, call 999.",
                    "Phone the front door today and tell them what you have seen or heard.",
                    "Record who you spoke to, when, and what they advised.",
                    "Tell your supervisor.",
                ],
            },
        ),
    ],
}

ONS4 = {
    "code": "ons4",
    "name": "ONS personal wellbeing (ONS4)",
    "description": "Four questions from the Office for National Statistics, each scored 0 to 10.",
    "scale_min": 0,
    "scale_max": 10,
    "items": [
        {
            "code": "satisfied",
            "text": "Overall, how satisfied are you with your life nowadays?",
            "reverse": False,
        },
        {
            "code": "worthwhile",
            "text": "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
            "reverse": False,
        },
        {"code": "happy", "text": "Overall, how happy did you feel yesterday?", "reverse": False},
        {"code": "anxious", "text": "Overall, how anxious did you feel yesterday?", "reverse": True},
    ],
    "scale_labels": {"0": "Not at all", "10": "Completely"},
    "licence": "Office for National Statistics: free to use",
}

FAMILY_SCALE = {
    "code": "family_scale",
    "name": "How we are doing (family's own scores)",
    "description": "The family scores each area from 1 (really hard) to 5 (going well).",
    "scale_min": 1,
    "scale_max": 5,
    "items": [
        {"code": code, "text": label, "reverse": False} for code, label, _ in LISTS["assessment_domain"]
    ],
    "scale_labels": {"1": "Really hard right now", "3": "Getting there", "5": "Going well"},
    "licence": "Early Help Desktop: free to use",
}


def ref_item_rows() -> list[dict[str, Any]]:
    rows = []
    for list_name, entries in LISTS.items():
        for order, (code, label, extra) in enumerate(entries):
            row_id = seed_id("ref_item", list_name, code)
            rows.append(
                {
                    "id": row_id,
                    "version": seed_version(row_id),
                    "list_name": list_name,
                    "code": code,
                    "label": label,
                    "sort_order": order,
                    "active": True,
                    "extra": extra,
                }
            )
    return rows


def instrument_rows() -> list[dict[str, Any]]:
    rows = []
    for instrument in (ONS4, FAMILY_SCALE):
        row_id = seed_id("instrument", str(instrument["code"]))
        rows.append({"id": row_id, "version": seed_version(row_id), "active": True, **instrument})
    return rows


def insert(op: Any) -> None:
    """Inserts the seed rows (called by migration 0001 with its ``alembic.op``)."""
    import sqlalchemy as sa

    created = "2025-01-01T00:00:00.000000+00:00"
    common = {
        "deleted": False,
        "created_at": created,
        "updated_at": created,
        "created_by": SEED_USER,
        "updated_by": SEED_USER,
        "sync_meta": None,
    }
    meta = sa.MetaData()
    ref_item = sa.Table("ref_item", meta, autoload_with=op.get_bind())
    instrument = sa.Table("instrument", meta, autoload_with=op.get_bind())
    op.bulk_insert(ref_item, [{**common, **row} for row in ref_item_rows()])
    op.bulk_insert(instrument, [{**common, **row} for row in instrument_rows()])
