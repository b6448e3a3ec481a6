"""The history of a case: who did what and when, read-only, in the interface language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.cases import STATUS_LABELS, CaseStatus
from app.domain.errors import HomewardError
from app.domain.people import RELATIONSHIP_LABELS, SEX_LABELS, Relationship, Sex
from app.i18n import N_, active_language, fill, ngettext
from app.i18n import gettext as _
from app.services.answers import money_text
from app.services.history import (
    AnswersSaved,
    CaseOpened,
    CasePrinted,
    DecisionRecorded,
    HistoryEntry,
    IdentityChange,
    IdentityChanged,
    LanguageChanged,
    StatusChanged,
    StepCompleted,
    case_history,
    case_trail_intact,
)
from app.services.workspace import Workspace
from app.ui.errors import show_error
from app.ui.formatting import country_text, date_text, datetime_text, language_text

SHORT_HASH = 12
FIELDS_SHOWN = 3  # changed answers listed in the table; the tooltip and a copy have them all
COLUMNS = (N_("When"), N_("Who"), N_("What"), N_("Revision"), N_("Details"))
DETAILS_COLUMN = len(COLUMNS) - 1
_COUNTRY_FIELDS = frozenset({"nationality", "country_of_return"})


@dataclass(frozen=True)
class EntryTexts:
    """One entry as shown: ``details`` on screen, ``full_details`` in tooltips and copies."""

    when: str
    who: str
    what: str
    revision: str
    details: tuple[str, ...]
    full_details: tuple[str, ...]

    def cells(self) -> tuple[str, ...]:
        return (self.when, self.who, self.what, self.revision, "\n".join(self.details))

    def copy_line(self) -> str:
        return "\t".join((self.when, self.who, self.what, self.revision,
                          " | ".join(self.full_details)))  # fmt: skip


def entry_texts(entry: HistoryEntry) -> EntryTexts:
    who = f"{entry.who} ({entry.username})" if entry.username else _("Homeward (system)")
    what, full = _describe(entry)
    details = full
    description = entry.description
    if isinstance(description, AnswersSaved) and len(description.fields) > FIELDS_SHOWN:
        more = len(description.fields) - FIELDS_SHOWN
        details = (
            *full[: 1 + FIELDS_SHOWN],
            fill(ngettext("… and {count} more", "… and {count} more", more), count=more),
        )
    if isinstance(description, CasePrinted) and description.sha256:
        short = fill(_("SHA-256 {hash}"), hash=description.sha256[:SHORT_HASH])
        full_hash = fill(_("SHA-256 {hash}"), hash=description.sha256)
        details, full = (*details, short), (*details, full_hash)
    revision = "" if entry.case_revision is None else str(entry.case_revision)
    return EntryTexts(datetime_text(entry.at), who, what, revision, details, full)


def _describe(entry: HistoryEntry) -> tuple[str, tuple[str, ...]]:
    description = entry.description
    match description:
        case CaseOpened(members):
            if members is None:
                return _("Case opened"), ()
            if members == 0:
                return _("Case opened"), (_("No household members recorded."),)
            return _("Case opened"), (
                fill(
                    ngettext("{count} household member", "{count} household members", members),
                    count=members,
                ),
            )
        case AnswersSaved():
            return _("Answers saved"), _saved(description)
        case StepCompleted():
            return _("Step completed"), (_form(description.form_label, description.form),)
        case StatusChanged():
            line = fill(
                _("Status changed from {old} to {new}"),
                old=_status(description.old),
                new=_status(description.new),
            )
            return _("Status changed"), (line, *_reason_lines(description))
        case LanguageChanged(language):
            return _("Language changed"), (
                fill(_("Language of the session: {language}"), language=language_text(language)),
            )
        case CasePrinted():
            return _("Printed"), _printed(description)
        case IdentityChanged():
            return _("Identity details changed"), tuple(
                _identity_line(change, description.values_shown) for change in description.changes
            )
        case DecisionRecorded():
            return _("Decision recorded"), _decision(description)
    return entry.action, ()


def _saved(entry: AnswersSaved) -> tuple[str, ...]:
    return (
        fill(_("{form}, changed answers:"), form=_form(entry.form_label, entry.form)),
        *(fill(_("• {field}"), field=_(f.label) if f.label else f.id) for f in entry.fields),
    )


def _form(label: str, form_id: str) -> str:
    return _(label) if label else form_id


def _status(value: str) -> str:
    try:
        return _(STATUS_LABELS[CaseStatus(value)])
    except ValueError:
        return value


def _reason_lines(entry: StatusChanged | DecisionRecorded) -> tuple[str, ...]:
    if entry.reason is not None:
        return (fill(_("Reason: {reason}"), reason=entry.reason),)
    if entry.reason_given:
        return (_("A reason was recorded (shown to supervisors)."),)
    return ()


def _printed(entry: CasePrinted) -> tuple[str, ...]:
    language = language_text(entry.language) if entry.language else "—"
    what = fill(_("{form} in {language}"), form=_form(entry.form_label, entry.form),
                                            language=language)  # fmt: skip
    facts = []
    if entry.pages is not None:
        facts.append(fill(ngettext("{count} page", "{count} pages", entry.pages),
            count=entry.pages))  # fmt: skip
    if entry.plan_revision:  # 0: the case has no plan yet
        facts.append(fill(_("plan revision {revision}"), revision=entry.plan_revision))
    if entry.target == "printer":
        facts.append(_("sent to a printer"))
    elif entry.target == "file":
        facts.append(_("saved as a PDF file"))
    elif entry.target:
        facts.append(entry.target)
    return (what, ", ".join(facts)) if facts else (what,)


def _decision(entry: DecisionRecorded) -> tuple[str, ...]:
    if entry.outcome == "approved":
        outcome = _(STATUS_LABELS[CaseStatus.APPROVED])
        total = _money_eur(entry.approved_total_eur)
        if total:
            outcome = fill(_("{outcome}, {amount} in total"), outcome=outcome, amount=total)
    elif entry.outcome == "rejected":
        outcome = _(STATUS_LABELS[CaseStatus.REJECTED])
    else:
        outcome = entry.outcome
    if entry.source == "paper":
        outcome = fill(_("{outcome} (received on paper)"), outcome=outcome)
    return (outcome, *_reason_lines(entry))


def _money_eur(amount: str | None) -> str:
    if not amount:
        return ""
    try:
        return money_text(Decimal(amount), "EUR", active_language())
    except (InvalidOperation, ValueError):
        return amount


def _identity_line(change: IdentityChange, values_shown: bool) -> str:
    name = change.field.rsplit(".", 1)[-1] if "." in change.field else change.field
    field = _(change.label) if change.label else name
    if change.member is not None:
        member = fill(_("Household member {number}"), number=change.member)
        # "household[2]" alone: the member was added or removed
        field = f"{member}: {field}" if "." in change.field else member
    if not values_shown:
        return fill(_("{field} changed"), field=field)
    return fill(
        _("{field}: from {old} to {new}"),
        field=field,
        old=_value_text(name, change.old),
        new=_value_text(name, change.new),
    )


def _value_text(name: str, value: str | None) -> str:
    """A recorded value as people read it: dates, countries, codes in words."""
    if value is None:
        return "—"
    try:
        if name == "date_of_birth" and len(value) == 10:
            return date_text(dt.date.fromisoformat(value))
        if name == "sex":
            return _(SEX_LABELS[Sex(value)])
        if name in ("relationship", "relationship_to_returnee"):
            return _(RELATIONSHIP_LABELS[Relationship(value)])
    except ValueError:
        return value
    if name in _COUNTRY_FIELDS:
        return country_text(value)
    if name == "session_language":
        return language_text(value)
    return value


_Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: tuple[HistoryEntry, ...] = ()
        self._texts: list[EntryTexts] = []

    def set_entries(self, entries: tuple[HistoryEntry, ...]) -> None:
        self.beginResetModel()
        self._entries = entries
        self._texts = [entry_texts(entry) for entry in entries]
        self.endResetModel()

    def retranslate(self) -> None:
        self.set_entries(self._entries)

    def texts(self, row: int) -> EntryTexts:
        return self._texts[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        texts = self._texts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return texts.cells()[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == DETAILS_COLUMN:
                return "\n".join(texts.full_details) or None
            return texts.cells()[index.column()] or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        return None


class CaseHistoryDialog(QDialog):
    def __init__(
        self, workspace: Workspace, case_number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseHistoryDialog")
        self.workspace = workspace
        self.case_number = case_number
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.trail = QLabel()
        self.trail.setObjectName("auditTrail")
        self.trail.setWordWrap(True)
        self.intact = True
        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().hide()
        # Rows grow with wrapped details; the last column takes what is left of the width.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)

        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copyHistory")
        self.copy_button.clicked.connect(self.copy_selected)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy_selected)
        self.close_button = QPushButton()
        self.close_button.setObjectName("closeHistory")
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.trail)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1000, 560)
        self.retranslate()
        self.reload()

    def reload(self) -> None:
        try:
            entries = case_history(self.workspace, self.case_number)
            self.intact = case_trail_intact(self.workspace, self.case_number)
        except HomewardError as error:
            show_error(self, error)
            entries = ()
        self.model.set_entries(entries)
        self._show_trail()
        self._fit_columns()

    def _show_trail(self) -> None:
        if self.intact:
            self.trail.setText(_("The audit trail of this case is intact."))
            self.trail.setStyleSheet("color: #1b5e20;")
        else:
            self.trail.setText(_(
                "Warning: the audit trail of this case was changed or cut outside Homeward. "
                "Run 'homeward audit verify' and tell your supervisor."
            ))  # fmt: skip
            self.trail.setStyleSheet("color: #b71c1c; font-weight: 600;")

    def retranslate(self) -> None:
        self.setWindowTitle(fill(_("History — {case}"), case=self.case_number))
        self.heading.setText(
            fill(_("Everything recorded about case {case}, newest first."), case=self.case_number)
        )
        self.copy_button.setText(_("Copy"))
        self.copy_button.setToolTip(_("Copy the selected rows (all rows if none is selected)"))
        self.close_button.setText(_("Close"))
        self._show_trail()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.model.retranslate()
            self._fit_columns()
        super().changeEvent(event)

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in range(DETAILS_COLUMN):
            self.table.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), 260))

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def selected_text(self) -> str:
        """The selected rows (all when none is) as tab-separated lines, with a header line."""
        rows = self.selected_rows() or list(range(self.model.rowCount()))
        lines = ["\t".join(_(title) for title in COLUMNS)]
        lines += [self.model.texts(row).copy_line() for row in rows]
        return "\n".join(lines)

    def copy_selected(self) -> None:
        QGuiApplication.clipboard().setText(self.selected_text())
