"""The form dialog every editor builds on: Save (Ctrl+S), Cancel (Esc) that asks before losing changes,
errors next to fields with a summary, and drafts kept as you type that survive the privacy lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QScrollArea, QVBoxLayout, QWidget

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.base import Changes
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, hint, title, vbox
from earlyhelp_desktop.ui.widgets.form import Form

AUTOSAVE_MS = 5000


class FormDialog(QDialog):
    """Subclasses build fields on ``self.form`` and implement ``save_call``."""

    save_text = "Save"

    def __init__(
        self, ctx: UiContext, heading: str, *, draft_key: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._draft_key = draft_key
        self.saved: Changes | None = None
        self._saving = False
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a closed form holds nothing in memory
        self.resize(720, 640)
        outer = vbox(self, margins=16, spacing=10)
        outer.addWidget(title(heading))
        self.notice = Banner("notice")
        outer.addWidget(self.notice)
        self.confirm = Banner("warning")
        self.keep_editing = button("Keep editing", "secondary", name="keepEditing")
        self.discard_button = button("Discard changes", "warning", name="discardChanges")
        self.confirm.buttons.addWidget(self.keep_editing)
        self.confirm.buttons.addWidget(self.discard_button)
        self.keep_editing.clicked.connect(self._keep_editing)
        self.discard_button.clicked.connect(self._discard)
        outer.addWidget(self.confirm)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.body_layout: QVBoxLayout = vbox(body, margins=4, spacing=12)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.form = Form(body, self.body_layout)
        row = hbox(spacing=12)
        self.save_button = button(self.save_text, shortcut=QKeySequence.StandardKey.Save, name="save")
        self.cancel_button = button("Cancel", "secondary", name="cancel")
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.status = hint("")
        row.addWidget(self.status)
        outer.addLayout(row)
        self.ctx.register_form(self)
        # Edits are kept as a draft a few seconds after the last change, not only when the app locks:
        # a crash or a flat battery loses at most those seconds.
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self._keep_draft)
        self.form.changed.connect(self._draft_changed)

    # -- to implement --------------------------------------------------------------------------------

    def save_call(self, values: dict[str, Any]) -> Callable[[Services], Changes]:
        raise NotImplementedError

    def after_save(self, result: Changes) -> None:
        """Called once saved, before the dialog closes (e.g. to show a duplicate warning)."""

    # -- drafts --------------------------------------------------------------------------------------

    def draft_key(self) -> str | None:
        return self._draft_key

    def draft_payload(self) -> dict[str, Any] | None:
        return self.form.values() if self.form.dirty else None

    def restore_draft(self) -> None:
        """Looks for edits kept when the app locked, and puts them back with a notice."""
        key = self._draft_key
        if key is None:
            return

        def found(info: Any) -> None:
            if info is None:
                return
            self.form.set_values(info.payload, clean=False)
            when = info.updated_at.astimezone().strftime("%H:%M on %d %B")
            self.notice.set_text(f"We kept the changes you had not saved ({when}). Check them, then save.")

        self.ctx.with_ws(lambda ws: self.ctx.drafts.load(ws, key), found, owner=self)

    def _draft_changed(self) -> None:
        if self._draft_key is not None and not self._saving:
            self._autosave.start()

    def _keep_draft(self) -> None:
        key, payload = self._draft_key, self.draft_payload()
        if key is None or payload is None or self._saving:
            return

        def kept(_result: object) -> None:
            self.status.setText(f"Draft kept at {dt.datetime.now():%H:%M}")

        self.ctx.with_ws(lambda ws: self.ctx.drafts.save(ws, key, payload), kept, owner=self)

    def close_for_lock(self) -> None:
        """The app is locking: the draft was already kept, so close without asking."""
        self._draft_key = None
        self.ctx.unregister_form(self)
        self.done(QDialog.DialogCode.Rejected)

    # -- saving --------------------------------------------------------------------------------------

    def submit(self) -> None:
        if self._saving:
            return
        self.form.clear_errors()
        try:
            call = self.save_call(self.form.values())
        except InvalidInput as exc:
            self.form.show_errors(exc.errors)
            return
        self._saving = True
        self._autosave.stop()
        self.save_button.setEnabled(False)
        self.status.setText("Saving…")
        self.ctx.mutate(call, self._saved, self._failed, owner=self)

    def _saved(self, result: Changes) -> None:
        self._saving = False
        self.saved = result
        self.status.setText("")
        key = self._draft_key
        if key is not None:
            self.ctx.with_ws(lambda ws: self.ctx.drafts.discard(ws, key))
        self.form.mark_clean()
        self.after_save(result)
        self.ctx.unregister_form(self)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.status.setText("")
        if isinstance(error, InvalidInput):
            self.form.show_errors(error.errors, aliases=self.error_aliases())
        else:
            self.form.show_errors({"": describe(error)})

    def error_aliases(self) -> dict[str, str]:
        """Maps a service's field names to this form's, where they differ."""
        return {}

    # -- leaving without saving ----------------------------------------------------------------------

    def reject(self) -> None:
        if self.form.dirty and not self.confirm.isVisible():
            self.confirm.set_text("You have changes that are not saved. Discard them?")
            self.keep_editing.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.form.dirty:
            return  # the question is on screen: answer it with its buttons
        self._close_unsaved()

    def _keep_editing(self) -> None:
        self.confirm.set_text("")
        self.form.focus_field(next(iter(self.form.fields), ""))

    def _discard(self) -> None:
        key = self._draft_key
        if key is not None:
            self.ctx.with_ws(lambda ws: self.ctx.drafts.discard(ws, key))
        self.form.mark_clean()
        self._close_unsaved()

    def _close_unsaved(self) -> None:
        self.ctx.unregister_form(self)
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.form.dirty:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)
