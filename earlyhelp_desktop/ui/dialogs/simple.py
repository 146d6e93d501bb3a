"""A form dialog declared as a list of fields: most editors of a family's record are one of these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.base import FormDialog
from earlyhelp_desktop.ui.widgets.common import heading, hint

Save = Callable[[dict[str, Any]], Callable[[Services], Changes]]


@dataclass(frozen=True)
class F:
    """One field: ``kind`` is text, long, date, choice, multi, check, number, heading or note."""

    kind: str
    name: str
    caption: str = ""
    hint: str | None = None
    options: Sequence[tuple[str, str]] = ()
    empty: str | None = "Select an option"
    low: int = 0
    high: int = 10
    lines: int = 4


def build(form: Any, fields: Sequence[F]) -> None:
    for f in fields:
        if f.kind == "text":
            form.text(f.name, f.caption, hint=f.hint)
        elif f.kind == "long":
            form.long_text(f.name, f.caption, hint=f.hint, lines=f.lines)
        elif f.kind == "date":
            form.date(f.name, f.caption, hint=f.hint or "For example, 27 3 2019")
        elif f.kind == "choice":
            form.choice(f.name, f.caption, f.options, empty=f.empty, hint=f.hint)
        elif f.kind == "check":
            form.check(f.name, f.caption, hint=f.hint)
        elif f.kind == "multi":
            form.multi(f.name, f.caption, f.options, hint=f.hint)
        elif f.kind == "number":
            form.number(f.name, f.caption, f.low, f.high, hint=f.hint)
        elif f.kind == "heading":
            form.layout.addWidget(heading(f.caption))
        elif f.kind == "note":
            form.layout.addWidget(hint(f.caption))
        else:
            raise ValueError(f.kind)


class SimpleDialog(FormDialog):
    def __init__(
        self,
        ctx: UiContext,
        heading_text: str,
        fields: Sequence[F],
        save: Save,
        *,
        values: dict[str, Any] | None = None,
        draft_key: str | None = None,
        save_text: str = "Save",
        aliases: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.save_text = save_text
        super().__init__(ctx, heading_text, draft_key=draft_key, parent=parent)
        self.save_button.setText(save_text)
        self._save = save
        self._aliases = aliases or {}
        build(self.form, fields)
        if values:
            self.form.set_values(values)
        else:
            self.form.mark_clean()
        self.resize(720, min(700, 140 + 90 * len(fields)))
        self.restore_draft()

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        return self._save(values)

    def error_aliases(self) -> dict[str, str]:
        return self._aliases


def blank(value: Any) -> Any:
    """Empty text as None, for the services."""
    if isinstance(value, str):
        return value.strip() or None
    return value
