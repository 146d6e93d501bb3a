"""Alembic environment of the sync server: run programmatically on the server's own connection."""

from alembic import context

from sync.server.db import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
