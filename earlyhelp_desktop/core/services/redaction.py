"""Redaction: the one way a value leaves history (a note written on the wrong family; retention).

A supervisor's redaction is an op of kind ``redact``: on every copy it replaces the value and purges it
and every earlier value of that field, from the row and from field history; the server purges it from
its op log too. It is audited (who, which record and field; never the value).
"""

from __future__ import annotations

from sqlalchemy import delete

from earlyhelp_desktop.core.errors import InvalidInput, NotFound
from earlyhelp_desktop.core.replication.apply import placeholder
from earlyhelp_desktop.core.replication.local import MODELS, write_op
from earlyhelp_desktop.core.services.base import Changes, Service, changes
from earlyhelp_desktop.core.store.capture import REMOTE, SCHEMA
from earlyhelp_desktop.core.store.models import FieldHistory
from earlyhelp_desktop.core.store.rows import row_state
from sync.merge import FieldChange, Scope


class RedactionService(Service):
    def redact(self, table: str, row_id: str, field: str) -> Changes:
        """Purges one field of one record, with its history, on every copy (supervisors only)."""
        self.require("supervisor")
        spec = SCHEMA.get(table)
        if spec is None or spec.scope is Scope.AUDIT:
            raise InvalidInput({"table": "Choose a kind of record that can be redacted"})
        fspec = spec.fields.get(field)
        if fspec is None:
            raise InvalidInput({"field": f"A {table.replace('_', ' ')} record has no field called {field}"})
        with self.ws.write() as session:
            obj = session.get(MODELS[table], row_id)
            if obj is None:
                raise NotFound(f"No {table.replace('_', ' ')} record with id {row_id} on this laptop.")
            family_id = getattr(obj, "family_id", None)
            self.audit(session, "redact", table, row_id, family_id, field=field)
            session.flush()  # the audit event's op; the redaction below is written as an explicit op
            session.info[REMOTE] = True
            state = row_state(obj, spec)
            result = write_op(
                session,
                obj,
                "redact",
                {field: FieldChange(placeholder(fspec), list(state.frontier_of(field)))},
                user_id=self.user_id,
                device_id=self.ws.device_id,
            )
            if result.purged:
                session.execute(
                    delete(FieldHistory).where(
                        FieldHistory.table_name == table,
                        FieldHistory.row_id == row_id,
                        FieldHistory.field.in_(result.purged),
                    )
                )
        return changes({table}, [family_id])
