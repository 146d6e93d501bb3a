"""initial schema

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from earlyhelp_desktop.core.store.migrations import seed_0001 as seed

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ['agreement', 'applied_op', 'assessment', 'audit_event', 'child_voice', 'closure', 'community_asset', 'conflict', 'contact', 'domain_entry', 'draft', 'episode', 'family', 'family_flag', 'family_tag', 'field_history', 'hub', 'instrument', 'issued_plan', 'link_event', 'locality', 'membership', 'meta', 'outbox', 'outcome_measure', 'person', 'plan', 'plan_action', 'plan_outcome', 'professional', 'ref_item', 'review', 'review_progress', 'sharing_permission', 'social_link', 'staff', 'step_change', 'taf_member', 'venue']


def _syncable() -> list[sa.Column]:  # type: ignore[type-arg]
    """The replication columns every syncable table carries (frozen here as in the first schema)."""
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=96), nullable=True),
        sa.Column("sync_meta", sa.JSON(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
    ]


def upgrade() -> None:
    op.create_table('agreement',
    sa.Column('episode_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('agreed', sa.Boolean(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    op.create_index(op.f('ix_agreement_episode_id'), 'agreement', ['episode_id'], unique=False)
    op.create_index(op.f('ix_agreement_family_id'), 'agreement', ['family_id'], unique=False)

    op.create_table('applied_op',
    sa.Column('op_id', sa.String(length=32), nullable=False),
    sa.Column('table_name', sa.String(length=48), nullable=False),
    sa.Column('row_id', sa.String(length=36), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('op_id', name=op.f('pk_applied_op'))
    )
    op.create_index(op.f('ix_applied_op_family_id'), 'applied_op', ['family_id'], unique=False)

    op.create_table('assessment',
    sa.Column('episode_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('completed_by', sa.String(length=36), nullable=True),
    sa.Column('significant_harm', sa.Boolean(), nullable=True),
    sa.Column('front_door_contacted_at', sa.String(length=32), nullable=True),
    sa.Column('front_door_note', sa.Text(), nullable=True),
    sa.Column('family_view', sa.Text(), nullable=True),
    sa.Column('worried_about', sa.Text(), nullable=True),
    sa.Column('working_well', sa.Text(), nullable=True),
    sa.Column('needs_to_happen', sa.Text(), nullable=True),
    sa.Column('analysis', sa.Text(), nullable=True),
    sa.Column('worry_scales', sa.JSON(), nullable=True),
    sa.Column('level_of_need', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('submitted_at', sa.String(length=32), nullable=True),
    sa.Column('submitted_by', sa.String(length=36), nullable=True),
    sa.Column('decided_at', sa.String(length=32), nullable=True),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    op.create_index(op.f('ix_assessment_episode_id'), 'assessment', ['episode_id'], unique=False)
    op.create_index(op.f('ix_assessment_family_id'), 'assessment', ['family_id'], unique=False)
    op.create_index(op.f('ix_assessment_status'), 'assessment', ['status'], unique=False)

    op.create_table('audit_event',
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('table_name', sa.String(length=48), nullable=True),
    sa.Column('row_id', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    op.create_index(op.f('ix_audit_event_at'), 'audit_event', ['at'], unique=False)
    op.create_index(op.f('ix_audit_event_family_id'), 'audit_event', ['family_id'], unique=False)

    op.create_table('child_voice',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('wants', sa.Text(), nullable=True),
    sa.Column('day_to_day', sa.Text(), nullable=True),
    sa.Column('view_of_help', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_voice'))
    )
    op.create_index(op.f('ix_child_voice_assessment_id'), 'child_voice', ['assessment_id'], unique=False)
    op.create_index(op.f('ix_child_voice_family_id'), 'child_voice', ['family_id'], unique=False)

    op.create_table('closure',
    sa.Column('episode_id', sa.String(length=36), nullable=False),
    sa.Column('reason_code', sa.String(length=48), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('moving_on_note', sa.Text(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('final_scores', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('decided_at', sa.String(length=32), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    op.create_index(op.f('ix_closure_episode_id'), 'closure', ['episode_id'], unique=False)
    op.create_index(op.f('ix_closure_family_id'), 'closure', ['family_id'], unique=False)
    op.create_index(op.f('ix_closure_follow_up_on'), 'closure', ['follow_up_on'], unique=False)
    op.create_index(op.f('ix_closure_status'), 'closure', ['status'], unique=False)

    op.create_table('community_asset',
    sa.Column('organisation', sa.String(), nullable=False),
    sa.Column('activity', sa.String(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category_code', sa.String(length=48), nullable=False),
    sa.Column('venue_name', sa.String(), nullable=True),
    sa.Column('address', sa.String(), nullable=True),
    sa.Column('postcode', sa.String(length=12), nullable=True),
    sa.Column('days_times', sa.String(), nullable=True),
    sa.Column('age_range', sa.String(), nullable=True),
    sa.Column('cost', sa.String(), nullable=True),
    sa.Column('contact_name', sa.String(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(), nullable=True),
    sa.Column('website', sa.String(), nullable=True),
    sa.Column('takes_referrals', sa.Boolean(), nullable=False),
    sa.Column('kitemark', sa.String(length=16), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_asset'))
    )
    op.create_index(op.f('ix_community_asset_category_code'), 'community_asset', ['category_code'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('table_name', sa.String(length=48), nullable=False),
    sa.Column('row_id', sa.String(length=36), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=True),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('detected_at', sa.String(length=32), nullable=False),
    sa.Column('resolved_at', sa.String(length=32), nullable=True),
    sa.Column('resolved_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict'))
    )
    op.create_index(op.f('ix_conflict_family_id'), 'conflict', ['family_id'], unique=False)
    op.create_index(op.f('ix_conflict_row_id'), 'conflict', ['row_id'], unique=False)

    op.create_table('contact',
    sa.Column('episode_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('occurred_at', sa.String(length=32), nullable=False),
    sa.Column('venue_id', sa.String(length=36), nullable=True),
    sa.Column('venue_text', sa.String(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('worker_id', sa.String(length=36), nullable=True),
    sa.Column('person_ids', sa.JSON(), nullable=True),
    sa.Column('amends_id', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    op.create_index(op.f('ix_contact_amends_id'), 'contact', ['amends_id'], unique=False)
    op.create_index(op.f('ix_contact_family_id'), 'contact', ['family_id'], unique=False)
    op.create_index(op.f('ix_contact_occurred_at'), 'contact', ['occurred_at'], unique=False)

    op.create_table('domain_entry',
    sa.Column('assessment_id', sa.String(length=36), nullable=False),
    sa.Column('domain_code', sa.String(length=64), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('no_issues', sa.Boolean(), nullable=False),
    sa.Column('family_score', sa.Integer(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_entry'))
    )
    op.create_index(op.f('ix_domain_entry_assessment_id'), 'domain_entry', ['assessment_id'], unique=False)
    op.create_index(op.f('ix_domain_entry_family_id'), 'domain_entry', ['family_id'], unique=False)

    op.create_table('draft',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_draft'))
    )
    op.create_table('episode',
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('request_source', sa.String(), nullable=True),
    sa.Column('request_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episode'))
    )
    op.create_index(op.f('ix_episode_family_id'), 'episode', ['family_id'], unique=False)

    op.create_table('family',
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('display_name', sa.String(), nullable=False),
    sa.Column('hub_id', sa.String(length=36), nullable=False),
    sa.Column('address_line1', sa.String(), nullable=True),
    sa.Column('address_line2', sa.String(), nullable=True),
    sa.Column('town', sa.String(), nullable=True),
    sa.Column('postcode', sa.String(length=12), nullable=True),
    sa.Column('confidential_address', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('level_of_need', sa.Integer(), nullable=True),
    sa.Column('lead_worker_id', sa.String(length=36), nullable=True),
    sa.Column('lawful_basis', sa.String(), nullable=False),
    sa.Column('evaluation_opt_out', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_override', sa.Boolean(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family'))
    )
    op.create_index(op.f('ix_family_family_id'), 'family', ['family_id'], unique=False)
    op.create_index(op.f('ix_family_hub_id'), 'family', ['hub_id'], unique=False)
    op.create_index(op.f('ix_family_lead_worker_id'), 'family', ['lead_worker_id'], unique=False)
    op.create_index('ix_family_name_order', 'family', ['display_name', 'reference'], unique=False)
    op.create_index(op.f('ix_family_reference'), 'family', ['reference'], unique=False)

    op.create_table('family_flag',
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_flag'))
    )
    op.create_index(op.f('ix_family_flag_family_id'), 'family_flag', ['family_id'], unique=False)

    op.create_table('family_tag',
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_tag'))
    )
    op.create_index(op.f('ix_family_tag_family_id'), 'family_tag', ['family_id'], unique=False)

    op.create_table('field_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('table_name', sa.String(length=48), nullable=False),
    sa.Column('row_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=96), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('reason', sa.String(length=12), nullable=False),
    sa.Column('recorded_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_history'))
    )
    op.create_index(op.f('ix_field_history_row_id'), 'field_history', ['row_id'], unique=False)

    op.create_table('hub',
    sa.Column('locality_id', sa.String(length=36), nullable=True),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub'))
    )
    op.create_table('instrument',
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('scale_labels', sa.JSON(), nullable=True),
    sa.Column('licence', sa.String(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument'))
    )
    op.create_index(op.f('ix_instrument_code'), 'instrument', ['code'], unique=False)

    op.create_table('issued_plan',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.String(length=32), nullable=False),
    sa.Column('issued_by', sa.String(length=36), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('large_print', sa.Boolean(), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_plan'))
    )
    op.create_index(op.f('ix_issued_plan_family_id'), 'issued_plan', ['family_id'], unique=False)
    op.create_index(op.f('ix_issued_plan_plan_id'), 'issued_plan', ['plan_id'], unique=False)

    op.create_table('link_event',
    sa.Column('link_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_event'))
    )
    op.create_index(op.f('ix_link_event_family_id'), 'link_event', ['family_id'], unique=False)
    op.create_index(op.f('ix_link_event_link_id'), 'link_event', ['link_id'], unique=False)

    op.create_table('locality',
    sa.Column('name', sa.String(), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locality'))
    )
    op.create_table('membership',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('relationship', sa.String(length=48), nullable=False),
    sa.Column('is_child', sa.Boolean(), nullable=False),
    sa.Column('lives_in_household', sa.Boolean(), nullable=False),
    sa.Column('parental_responsibility', sa.Boolean(), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership'))
    )
    op.create_index(op.f('ix_membership_family_id'), 'membership', ['family_id'], unique=False)
    op.create_index(op.f('ix_membership_person_id'), 'membership', ['person_id'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('outbox',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('op_id', sa.String(length=32), nullable=False),
    sa.Column('table_name', sa.String(length=48), nullable=False),
    sa.Column('row_id', sa.String(length=36), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox')),
    sa.UniqueConstraint('op_id', name=op.f('uq_outbox_op_id'))
    )
    op.create_index(op.f('ix_outbox_family_id'), 'outbox', ['family_id'], unique=False)
    op.create_index(op.f('ix_outbox_state'), 'outbox', ['state'], unique=False)

    op.create_table('outcome_measure',
    sa.Column('person_id', sa.String(length=36), nullable=True),
    sa.Column('instrument_code', sa.String(length=48), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('context', sa.String(length=16), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('link_id', sa.String(length=36), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_measure'))
    )
    op.create_index(op.f('ix_outcome_measure_family_id'), 'outcome_measure', ['family_id'], unique=False)

    op.create_table('person',
    sa.Column('given_name', sa.String(), nullable=False),
    sa.Column('family_name', sa.String(), nullable=False),
    sa.Column('preferred_name', sa.String(), nullable=True),
    sa.Column('family_name_first', sa.Boolean(), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=32), nullable=True),
    sa.Column('ethnicity', sa.String(length=64), nullable=True),
    sa.Column('religion', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=64), nullable=True),
    sa.Column('interpreter_needed', sa.Boolean(), nullable=False),
    sa.Column('communication_needs', sa.Text(), nullable=True),
    sa.Column('disability', sa.Text(), nullable=True),
    sa.Column('school', sa.String(), nullable=True),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('must_not_know_whereabouts', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    op.create_index(op.f('ix_person_family_id'), 'person', ['family_id'], unique=False)

    op.create_table('plan',
    sa.Column('episode_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('about_us', sa.Text(), nullable=True),
    sa.Column('going_well', sa.Text(), nullable=True),
    sa.Column('want_to_change', sa.Text(), nullable=True),
    sa.Column('share_with_note', sa.Text(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    op.create_index(op.f('ix_plan_episode_id'), 'plan', ['episode_id'], unique=False)
    op.create_index(op.f('ix_plan_family_id'), 'plan', ['family_id'], unique=False)
    op.create_index(op.f('ix_plan_review_on'), 'plan', ['review_on'], unique=False)

    op.create_table('plan_action',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('outcome_id', sa.String(length=36), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_action'))
    )
    op.create_index(op.f('ix_plan_action_family_id'), 'plan_action', ['family_id'], unique=False)
    op.create_index(op.f('ix_plan_action_plan_id'), 'plan_action', ['plan_id'], unique=False)

    op.create_table('plan_outcome',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_outcome'))
    )
    op.create_index(op.f('ix_plan_outcome_family_id'), 'plan_outcome', ['family_id'], unique=False)
    op.create_index(op.f('ix_plan_outcome_plan_id'), 'plan_outcome', ['plan_id'], unique=False)

    op.create_table('professional',
    sa.Column('agency', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional'))
    )
    op.create_index(op.f('ix_professional_family_id'), 'professional', ['family_id'], unique=False)

    op.create_table('ref_item',
    sa.Column('list_name', sa.String(length=48), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=True),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ref_item'))
    )
    op.create_index(op.f('ix_ref_item_list_name'), 'ref_item', ['list_name'], unique=False)

    op.create_table('review',
    sa.Column('episode_id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=36), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('family_comments', sa.Text(), nullable=True),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    op.create_index(op.f('ix_review_episode_id'), 'review', ['episode_id'], unique=False)
    op.create_index(op.f('ix_review_family_id'), 'review', ['family_id'], unique=False)
    op.create_index(op.f('ix_review_next_review_on'), 'review', ['next_review_on'], unique=False)

    op.create_table('review_progress',
    sa.Column('review_id', sa.String(length=36), nullable=False),
    sa.Column('outcome_id', sa.String(length=36), nullable=False),
    sa.Column('progress', sa.String(length=8), nullable=False),
    sa.Column('worker_score', sa.Integer(), nullable=True),
    sa.Column('family_score', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_progress'))
    )
    op.create_index(op.f('ix_review_progress_family_id'), 'review_progress', ['family_id'], unique=False)
    op.create_index(op.f('ix_review_progress_review_id'), 'review_progress', ['review_id'], unique=False)

    op.create_table('sharing_permission',
    sa.Column('agency', sa.String(), nullable=False),
    sa.Column('access', sa.String(length=12), nullable=False),
    sa.Column('gets_copy', sa.Boolean(), nullable=False),
    sa.Column('must_not_see', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_permission'))
    )
    op.create_index(op.f('ix_sharing_permission_family_id'), 'sharing_permission', ['family_id'], unique=False)

    op.create_table('social_link',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('asset_id', sa.String(length=36), nullable=False),
    sa.Column('need_area', sa.String(length=48), nullable=True),
    sa.Column('connector_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('offered_on', sa.Date(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('attended_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('snomed_code', sa.String(length=24), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_link'))
    )
    op.create_index(op.f('ix_social_link_asset_id'), 'social_link', ['asset_id'], unique=False)
    op.create_index(op.f('ix_social_link_family_id'), 'social_link', ['family_id'], unique=False)
    op.create_index(op.f('ix_social_link_person_id'), 'social_link', ['person_id'], unique=False)
    op.create_index(op.f('ix_social_link_status'), 'social_link', ['status'], unique=False)

    op.create_table('staff',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('hub_id', sa.String(length=36), nullable=True),
    sa.Column('job_title', sa.String(), nullable=True),
    sa.Column('phone', sa.String(), nullable=True),
    sa.Column('email', sa.String(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff'))
    )
    op.create_index(op.f('ix_staff_username'), 'staff', ['username'], unique=False)

    op.create_table('step_change',
    sa.Column('episode_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('mash_reference', sa.String(length=48), nullable=True),
    sa.Column('fgc_considered', sa.Boolean(), nullable=False),
    sa.Column('signed_off_by', sa.String(length=36), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_change'))
    )
    op.create_index(op.f('ix_step_change_episode_id'), 'step_change', ['episode_id'], unique=False)
    op.create_index(op.f('ix_step_change_family_id'), 'step_change', ['family_id'], unique=False)

    op.create_table('taf_member',
    sa.Column('plan_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.Column('agency', sa.String(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(), nullable=True),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taf_member'))
    )
    op.create_index(op.f('ix_taf_member_family_id'), 'taf_member', ['family_id'], unique=False)
    op.create_index(op.f('ix_taf_member_plan_id'), 'taf_member', ['plan_id'], unique=False)

    op.create_table('venue',
    sa.Column('hub_id', sa.String(length=36), nullable=True),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=True),
    sa.Column('postcode', sa.String(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_syncable(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue'))
    )
    op.create_index(op.f('ix_venue_hub_id'), 'venue', ['hub_id'], unique=False)
    for statement in (
        "CREATE VIRTUAL TABLE family_search USING fts5("
        "names, reference, postcode, address, tokenize = 'unicode61', prefix = '1 2 3')",
        "CREATE TABLE family_search_map (n INTEGER PRIMARY KEY, family_id VARCHAR(36) NOT NULL UNIQUE)",
    ):
        op.execute(statement)
    seed.insert(op)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS family_search")
    op.execute("DROP TABLE IF EXISTS family_search_map")
    for table in reversed(TABLES):
        op.drop_table(table)
