"""Alembic environment: always run programmatically on the store's own (encrypted) connection."""

from alembic import context

from earlyhelp_desktop.core.store.models import Base

SEARCH_TABLES = ("family_search",)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The FTS5 index and its shadow tables are created by hand in the migrations.
    if type_ == "table" and name and name.startswith(SEARCH_TABLES):
        return False
    return True


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
