"""The OK/Cancel row every Homeward dialog ends with, its buttons named for what they do."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from app.i18n import gettext as _


def ok_cancel(
    dialog: QDialog, ok_text: str, cancel_text: str | None = None
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """Buttons wired to ``dialog.accept``/``reject``; returns the box, OK and Cancel."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setText(cancel_text if cancel_text is not None else _("Cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok, cancel
