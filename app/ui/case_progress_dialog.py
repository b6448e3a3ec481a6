"""Moving a case on after its plan is ready.

The dialog shows the case's status and one button per next step it can take; recording
the decision received from headquarters opens a form in the dialog itself. Problems appear
in one line at the bottom and everything typed stays, so a person can correct and retry.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from app.domain.cases import STATUS_LABELS
from app.domain.decisions import MAX_REFERENCE_LENGTH
from app.domain.errors import HomewardError
from app.i18n import N_, active_language, translate_error
from app.i18n import gettext as _
from app.i18n.numbers import parse_number
from app.services.answers import money_text
from app.services.case_progress import (
    ApprovedAmount,
    DecisionForm,
    DecisionInput,
    DecisionOutcome,
    Move,
    MoveKind,
    PlanItem,
    close_case,
    decision_form,
    progress_state,
    record_decision,
    revise_plan,
    start_implementation,
    submit,
)
from app.services.workspace import Workspace
from app.ui.decision_summary import DecisionSummaryLabel, eur_text
from app.ui.errors import STORE_BUSY
from app.ui.input_guard import ComboBox, DateEdit

_SIMPLE_MOVES = {
    MoveKind.SUBMIT: submit,
    MoveKind.START_IMPLEMENTATION: start_implementation,
    MoveKind.CLOSE: close_case,
    MoveKind.REVISE_PLAN: revise_plan,
}
_CONFIRMATIONS = {
    MoveKind.SUBMIT: N_(
        "Mark case {case_number} as submitted to headquarters? Its answers can no longer be "
        "changed."
    ),
    MoveKind.START_IMPLEMENTATION: N_(
        "Start implementing the approved plan of case {case_number}? The migrant can no "
        "longer withdraw after this."
    ),
    MoveKind.CLOSE: N_("Close case {case_number}? A closed case cannot be moved on any more."),
    MoveKind.REVISE_PLAN: N_(
        "Send case {case_number} back to planning? The plan has to be completed and "
        "submitted again."
    ),
}
_DESCRIPTION_SHOWN = 120


class MoveCaseDialog(QDialog):
    """ "Move case on…": the next steps of one case after its plan is ready."""

    moved = Signal(str)  # the case number, after its status changed

    def __init__(
        self, workspace: Workspace, case_number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("moveCaseDialog")
        self.workspace = workspace
        state = progress_state(workspace, case_number)
        self.case_number = state.case.case_number
        self.setWindowTitle(_("Move case on — {case_number}").format(case_number=self.case_number))
        row = state.case
        name = " ".join(part for part in (row.given_name, row.family_name.upper()) if part)
        title = QLabel(f"{self.case_number} — {name}")
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.status_label = QLabel(
            _("Current status: {status}").format(status=_(STATUS_LABELS[row.status]))
        )
        self.status_label.setObjectName("caseStatus")
        self.decision_label = DecisionSummaryLabel()
        self.decision_label.show_decision(state.decision)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addWidget(self.decision_label)
        self.move_buttons: dict[MoveKind, QPushButton] = {}
        self.note = QLineEdit()
        self.note.setObjectName("moveNote")
        self.note.setPlaceholderText(_("Note for the case history (optional)"))
        self.decision_panel: DecisionPanel | None = None
        self.refusals: list[QLabel] = []
        layout.addLayout(self._moves_row(state.moves))
        for refused in self.refusals:
            layout.addWidget(refused)
        if any(move.kind in _SIMPLE_MOVES for move in state.moves):
            layout.addWidget(self.note)
        else:
            self.note.hide()
        self._panel_slot = QVBoxLayout()
        layout.addLayout(self._panel_slot, 1)
        self.message = QLabel()
        self.message.setObjectName("moveMessage")
        self.message.setStyleSheet("color: #c62828;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 260)

    def _moves_row(self, moves: tuple[Move, ...]) -> QHBoxLayout:
        row = QHBoxLayout()
        if not moves:
            nothing = QLabel(_("This case has no further step to take here."))
            nothing.setObjectName("noMoves")
            row.addWidget(nothing)
        at_hq = self.workspace.installation.role == "hq"
        for move in moves:
            label = move.label
            if at_hq and move.kind is MoveKind.RECORD_DECISION:
                label = HQ_DECISION_LABEL  # HQ decides here; an office types HQ's letter in
            button = QPushButton(_(label))
            button.setObjectName(f"move_{move.kind.value}")
            button.setEnabled(move.permitted)
            button.clicked.connect(lambda _checked=False, kind=move.kind: self._move_chosen(kind))
            self.move_buttons[move.kind] = button
            row.addWidget(button)
            if not move.permitted:
                hint = _("{move}: only a supervisor or an administrator may do this.")
                refused = QLabel(hint.format(move=_(move.label).rstrip("…")))
                refused.setStyleSheet("color: #4d4d4d;")
                refused.setWordWrap(True)
                button.setToolTip(refused.text())
                self.refusals.append(refused)
        row.addStretch(1)
        return row

    def _move_chosen(self, kind: MoveKind) -> None:
        self.message.clear()
        if kind is MoveKind.RECORD_DECISION:
            self.open_decision()
            return
        question = _(_CONFIRMATIONS[kind]).format(case_number=self.case_number)
        answer = QMessageBox.question(
            self,
            _("Move case on"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            _SIMPLE_MOVES[kind](self.workspace, self.case_number, self.note.text())
        except (HomewardError, OperationalError) as error:
            self.show_problem(error)
            return
        self._done()

    def open_decision(self) -> DecisionPanel | None:
        """Show the form for the decision received (built on first use)."""
        if self.decision_panel is None:
            try:
                form = decision_form(self.workspace, self.case_number)
            except (HomewardError, OperationalError) as error:
                self.show_problem(error)
                return None
            at_hq = self.workspace.installation.role == "hq"
            self.decision_panel = DecisionPanel(form, self, at_hq)
            self.decision_panel.save_button.clicked.connect(self.save_decision)
            self._panel_slot.addWidget(self.decision_panel)
            self.resize(max(self.width(), 760), max(self.height(), 620))
        self.decision_panel.show()
        self.decision_panel.approved.setFocus()
        return self.decision_panel

    def save_decision(self) -> None:
        panel = self.decision_panel
        if panel is None:
            return
        self.message.clear()
        decision = panel.decision()
        if isinstance(decision, str):
            self.message.setText(decision)
            return
        try:
            record_decision(self.workspace, self.case_number, decision)
        except (HomewardError, OperationalError) as error:
            self.show_problem(error)
            return
        self._done()

    def show_problem(self, error: Exception) -> None:
        if isinstance(error, HomewardError):
            self.message.setText(translate_error(error))
        else:
            self.message.setText(_(STORE_BUSY))

    def _done(self) -> None:
        self.moved.emit(self.case_number)
        self.accept()


HQ_DECISION_LABEL = N_("Decide on the plan…")


class DecisionPanel(QGroupBox):
    """The decision letter typed in: outcome, date, reference, amounts per item, reason."""

    def __init__(self, form: DecisionForm, parent: QWidget | None = None,
                 at_hq: bool = False) -> None:  # fmt: skip
        super().__init__(_("Decision on the plan") if at_hq else _("Decision received"), parent)
        self.setObjectName("decisionPanel")
        self.form = form
        self.approved = QRadioButton(_("Approved"))
        self.approved.setObjectName("decisionApproved")
        self.rejected = QRadioButton(_("Rejected"))
        self.rejected.setObjectName("decisionRejected")
        self.approved.setChecked(True)
        outcome = QButtonGroup(self)
        outcome.addButton(self.approved)
        outcome.addButton(self.rejected)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(self.approved)
        outcome_row.addWidget(self.rejected)
        outcome_row.addStretch(1)
        today = dt.date.today()
        self.decided_on = DateEdit()
        self.decided_on.setObjectName("decidedOn")
        self.decided_on.setDisplayFormat("yyyy-MM-dd")
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.decided_on.setDate(QDate(today.year, today.month, today.day))
        self.reference = QLineEdit()
        self.reference.setObjectName("decisionReference")
        self.reference.setMaxLength(MAX_REFERENCE_LENGTH)
        self.reference.setPlaceholderText(_("e.g. the number of headquarters' letter"))
        fields = QFormLayout()
        fields.addRow(_("Outcome"), outcome_row)
        fields.addRow(_("Date of the decision"), self.decided_on)
        fields.addRow(_("Reference"), self.reference)

        self.amounts_box = QGroupBox(_("Approved amounts"))
        grid = QGridLayout(self.amounts_box)
        for column, heading in enumerate(
            (_("Assistance item"), _("Requested"), _("Approved"), _("Currency"))
        ):
            label = QLabel(heading)
            label.setStyleSheet("font-weight: 600;")
            grid.addWidget(label, 0, column)
        self.amount_edits: dict[int, QLineEdit] = {}
        self.currency_choices: dict[int, QComboBox] = {}
        for row, item in enumerate(form.items, start=1):
            self._item_row(grid, row, item)
        if not form.items:
            grid.addWidget(QLabel(_("The plan has no assistance items.")), 1, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        self.total = QLabel()
        self.total.setObjectName("approvedTotal")
        self.reason_label = QLabel()
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("decisionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 4 + 12)
        self.save_button = QPushButton(_("Save decision"))
        self.save_button.setObjectName("saveDecision")
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(self.amounts_box)
        layout.addWidget(self.total)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        layout.addLayout(save_row)
        self.approved.toggled.connect(self._outcome_changed)
        self._outcome_changed()

    def _item_row(self, grid: QGridLayout, row: int, item: PlanItem) -> None:
        description = item.description
        if len(description) > _DESCRIPTION_SHOWN:
            description = description[: _DESCRIPTION_SHOWN - 1] + "…"
        kind = _(item.type_label) if item.type_label else ""
        text = f"{item.number}. {kind} — {description}" if kind else f"{item.number}. {description}"
        shown = QLabel(text)
        shown.setWordWrap(True)
        shown.setToolTip(item.description)
        grid.addWidget(shown, row, 0)
        requested = (
            money_text(item.requested, item.currency, active_language())
            if item.requested is not None
            else "—"
        )
        grid.addWidget(QLabel(requested), row, 1)
        edit = QLineEdit()
        edit.setObjectName(f"approvedAmount_{item.number}")
        edit.setMaxLength(24)
        edit.textChanged.connect(self.update_total)
        self.amount_edits[item.number] = edit
        grid.addWidget(edit, row, 2)
        currency = ComboBox()
        currency.setObjectName(f"approvedCurrency_{item.number}")
        currency.addItems(list(item.currencies))
        currency.setEnabled(len(item.currencies) > 1)
        currency.currentIndexChanged.connect(self.update_total)
        self.currency_choices[item.number] = currency
        grid.addWidget(currency, row, 3)

    def _outcome_changed(self) -> None:
        approving = self.approved.isChecked()
        self.amounts_box.setEnabled(approving)
        self.total.setVisible(approving)
        if approving:
            self.reason_label.setText(_("Reason or conditions (optional)"))
        else:
            self.reason_label.setText(_("Reason for the rejection (required)"))
        self.update_total()

    def _amounts(self) -> tuple[ApprovedAmount, ...] | str:
        """The amounts typed, or the first problem reading them."""
        amounts = []
        for number, edit in self.amount_edits.items():
            text = edit.text().strip()
            if not text:
                continue
            value = parse_number(text, active_language())
            if value is None:
                return _("Assistance item {number}: the approved amount is not a number.").format(
                    number=number
                )
            currency = self.currency_choices[number].currentText()
            amounts.append(ApprovedAmount(number, value, currency))
        return tuple(amounts)

    def update_total(self) -> None:
        amounts = self._amounts()
        if isinstance(amounts, str) or not amounts:
            self.total.setText(_("Approved total: —"))
            return
        total = self.form.total_eur(amounts)
        if total is None:
            self.total.setText(_("Approved total: no exchange rate to EUR for a currency used"))
            return
        text = _("Approved total: {total}").format(total=eur_text(total))
        if total > self.form.cap_eur:
            text += " · " + _("above the budget cap of {cap}").format(
                cap=eur_text(self.form.cap_eur)
            )
        self.total.setText(text)

    def decision(self) -> DecisionInput | str:
        """What was typed, or a message saying what cannot be read."""
        date = self.decided_on.date()
        decided_on = dt.date(date.year(), date.month(), date.day())
        reason = self.reason.toPlainText()
        reference = self.reference.text()
        if self.rejected.isChecked():
            return DecisionInput(DecisionOutcome.REJECTED, decided_on, (), reason, reference)
        amounts = self._amounts()
        if isinstance(amounts, str):
            return amounts
        return DecisionInput(DecisionOutcome.APPROVED, decided_on, amounts, reason, reference)
