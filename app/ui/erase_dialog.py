"""Erasing one case for good (supervisors): the reason, and the case number typed again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.cases import CaseNumber
from app.domain.erasure import ERASURE_REASON_LABELS, ErasureReason
from app.domain.errors import HomewardError
from app.i18n import fill, translate_error
from app.i18n import gettext as _
from app.services.erasure import erase_case
from app.services.workspace import Workspace
from app.ui.input_guard import ComboBox


class EraseCaseDialog(QDialog):
    """Erase is enabled only once the case number is typed again, so a slip of the mouse
    cannot cost a case."""

    erased = Signal(str)

    def __init__(self, workspace: Workspace, case_number: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("eraseCaseDialog")
        self.setWindowTitle(_("Erase case"))
        self.workspace = workspace
        self.case_number = case_number
        warning = QLabel(fill(_(
            "Case {case} will be erased for good: the returnee, the household, every answer, "
            "decision and session, and the details of its history. Only a tombstone stays "
            "(the number, who erased it, when and why), so that a bundle cannot bring the case "
            "back. Backups made before now still hold it until they are rotated out."
        ), case=case_number))  # fmt: skip
        warning.setWordWrap(True)
        self.reason = ComboBox()
        self.reason.setObjectName("erasureReason")
        for reason, label in ERASURE_REASON_LABELS.items():
            self.reason.addItem(_(label), reason.value)
        self.confirmation = QLineEdit()
        self.confirmation.setObjectName("erasureConfirmation")
        self.confirmation.setPlaceholderText(case_number)
        self.confirmation.textChanged.connect(self._typed)
        self.message = QLabel()
        self.message.setObjectName("erasureMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Type the case number to confirm"), self.confirmation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = QPushButton(_("Erase for good"))
        self.erase_button.setObjectName("eraseButton")
        self.erase_button.setEnabled(False)
        self.erase_button.setAutoDefault(False)
        buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.clicked.connect(self._erase)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _typed(self, text: str) -> None:
        typed = CaseNumber.parse(text)
        self.erase_button.setEnabled(
            typed is not None and typed == CaseNumber.parse(self.case_number)
        )

    def _erase(self) -> None:
        reason = ErasureReason(self.reason.currentData())
        try:
            erased = erase_case(self.workspace, self.case_number, reason,
                                confirmation=self.confirmation.text())  # fmt: skip
        except HomewardError as error:
            self.message.setText(translate_error(error))
            return
        self.erased.emit(erased.case_number)
        self.accept()
