"""Bundles to and from the USB stick (Office menu): send, receive, and where the exchange
stands. At an office, "Send" writes the cases for headquarters; at HQ, the answer bundle for
one office (its receipts and HQ's decisions). "Receive" imports bundles one after the other.
"Status" shows each series, the cases set aside and, at HQ, the conflicts to settle.

Export and import run through app.ui.tasks: a progress window after a moment, a silent
cancel (the bundle being imported is rolled back; those before it stay imported)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from app.domain.accounts import Permission, may
from app.domain.errors import N_, HomewardError, NothingToExport, OperationCancelled
from app.i18n import active_language, fill, ngettext, translate_error
from app.i18n import gettext as _
from app.services.bundle_export import ExportResult, export_bundle
from app.services.bundle_import import ImportResult, import_bundle, import_summary
from app.services.exchange import ExchangeStatus, PeerSeries, exchange_status, resolve_conflict
from app.services.keys import trusted_keys
from app.services.review import ConflictView, describe_conflict
from app.services.set_aside import reason_text
from app.services.workspace import Workspace
from app.ui.formatting import datetime_text
from app.ui.input_guard import ComboBox
from app.ui.keys_dialog import MessageLine, problem_text, role_name
from app.ui.tasks import Cancelled, Progress, Task, Work, run_task

BUNDLE_FILES = N_("Bundles (*.hwbundle)")
REVIEWERS_ONLY = N_("Only a supervisor or an administrator can settle a conflict.")
NOT_TEXT = N_(
    "This value is not a plain text: keep the office's or HQ's, then correct the case "
    "itself if neither is right."
)
_STEPS = 1000  # progress units per bundle file


@dataclass(frozen=True)
class ImportRun:
    """What an import of several files did: each file's result or refusal, in order, and the
    file where a cancel stopped it (it and the files after it were not imported)."""

    outcomes: tuple[tuple[Path, ImportResult | HomewardError], ...]
    stopped_at: Path | None = None


def import_files(
    workspace: Workspace, paths: list[Path], progress: Progress, cancelled: Cancelled
) -> ImportRun:
    """Import ``paths`` in turn, off the window's thread. A refused bundle does not stop the
    others; a cancel stops at once (the current bundle is rolled back by the service)."""
    outcomes: list[tuple[Path, ImportResult | HomewardError]] = []
    total = len(paths) * _STEPS
    for index, path in enumerate(paths):
        if cancelled():
            return ImportRun(tuple(outcomes), path)

        def step(done: int, of: int, index: int = index) -> None:
            progress(index * _STEPS + done * _STEPS // max(of, 1), total)

        try:
            outcomes.append((path, import_bundle(workspace, path, step, cancelled)))
        except OperationCancelled:
            return ImportRun(tuple(outcomes), path)
        except HomewardError as error:
            outcomes.append((path, error))
        progress((index + 1) * _STEPS, total)
    return ImportRun(tuple(outcomes))


def numbers_text(numbers: tuple[int, ...]) -> str:
    """1, 3–5, 8: consecutive numbers as a range."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def missing_text(peer: PeerSeries) -> str:
    if not peer.missing:
        return "—"
    template = ngettext(
        "Bundle {numbers} from {office} not yet received",
        "Bundles {numbers} from {office} not yet received",
        len(peer.missing),
    )
    return fill(template, numbers=numbers_text(peer.missing), office=peer.office_code)


def _table(name: str, headings: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headings)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.clearSelection()
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(row, column, item)


class ExchangeDialog(QDialog):
    """Send, receive, status. ``cases_changed`` fires after an import or a settled conflict
    so that the case list can be read again."""

    cases_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchangeDialog")
        self.setWindowTitle(_("Bundles"))
        self.workspace = workspace
        self.at_hq = workspace.installation.role == "hq"
        self.task: Task | None = None
        self.last_export: ExportResult | None = None
        self.answering = ""  # the office the answer bundle being written is for
        self.last_import: ImportRun | None = None
        self.status: ExchangeStatus | None = None
        self.conflicts: list[ConflictView] = []
        self.tabs = QTabWidget()
        self.tabs.setObjectName("exchangeTabs")
        self.tabs.addTab(self._send_tab(), _("Send"))
        self.tabs.addTab(self._receive_tab(), _("Receive"))
        self.tabs.addTab(self._status_tab(), _("Status"))
        self.tabs.currentChanged.connect(self._tab_changed)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close)
        self.refresh()
        self.resize(820, 560)

    # --- building ---------------------------------------------------------------------------
    def _send_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.send_intro = QLabel()
        self.send_intro.setObjectName("sendIntro")
        self.send_intro.setWordWrap(True)
        layout.addWidget(self.send_intro)
        self.include_demo = QCheckBox(_("Include demo cases"))
        self.include_demo.setObjectName("includeDemo")
        self.everything = QCheckBox(_("Every case, not only what headquarters lacks"))
        self.everything.setObjectName("sendEverything")
        self.office_choice = ComboBox()
        self.office_choice.setObjectName("answerOffice")
        if self.at_hq:
            row = QHBoxLayout()
            row.addWidget(QLabel(_("Office to answer")))
            row.addWidget(self.office_choice)
            row.addStretch(1)
            layout.addLayout(row)
            self.include_demo.hide()
            self.everything.hide()
            self.write_button = QPushButton(_("Write the answer bundle to…"))
        else:
            layout.addWidget(self.include_demo)
            layout.addWidget(self.everything)
            self.office_choice.hide()
            self.include_demo.toggled.connect(self.refresh)  # the counts include them or not
            self.write_button = QPushButton(_("Write the bundle to…"))
        self.write_button.setObjectName("writeBundleButton")
        self.write_button.clicked.connect(self.write_bundle)
        row = QHBoxLayout()
        row.addWidget(self.write_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.send_message = MessageLine("sendMessage")
        layout.addWidget(self.send_message)
        layout.addStretch(1)
        return page

    def _receive_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        if self.at_hq:
            intro = _("Import the bundles the offices sent. Each is checked whole first.")
        else:
            intro = _(
                "Import the answer bundles headquarters sent back: its receipts for the cases "
                "it has, and its decisions on plans."
            )
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.import_button = QPushButton(_("Import bundles…"))
        self.import_button.setObjectName("importBundlesButton")
        self.import_button.clicked.connect(self.import_bundles)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.import_report = QPlainTextEdit()
        self.import_report.setObjectName("importReport")
        self.import_report.setReadOnly(True)
        self.import_report.setPlaceholderText(_("What each import did appears here."))
        layout.addWidget(self.import_report, 1)
        return page

    def _status_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.peers_table = _table(
            "peerSeries",
            [_("Office"), _("Role"), _("Last sent"), _("Last received"), _("Received on"),
             _("Missing"), _("State")],
            5,
        )  # fmt: skip
        layout.addWidget(self.peers_table, 1)
        aside_box = QGroupBox(_("Cases set aside"))
        aside = QVBoxLayout(aside_box)
        self.set_aside_table = _table(
            "setAsideCases", [_("Case number"), _("Revision"), _("Since"), _("Reason")], 3
        )
        self.no_set_aside = QLabel(_("No case is set aside."))
        aside.addWidget(self.no_set_aside)
        aside.addWidget(self.set_aside_table)
        layout.addWidget(aside_box, 1)
        self.conflicts_box = QGroupBox(_("Conflicts to settle"))
        conflicts = QVBoxLayout(self.conflicts_box)
        self.conflicts_table = _table(
            "conflicts",
            [_("Case number"), _("Field"), _("Office's value"), _("HQ's value"), _("Since")],
            1,
        )
        self.conflicts_table.itemSelectionChanged.connect(self._conflict_selected)
        self.no_conflicts = QLabel(_("No conflict is open."))
        self.keep_office_button = QPushButton(_("Keep the office's"))
        self.keep_office_button.setObjectName("keepOfficeButton")
        self.keep_office_button.clicked.connect(lambda: self.settle("office"))
        self.keep_hq_button = QPushButton(_("Keep HQ's"))
        self.keep_hq_button.setObjectName("keepHqButton")
        self.keep_hq_button.clicked.connect(lambda: self.settle("hq"))
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editConflictButton")
        self.edit_button.clicked.connect(self.edit_value)
        buttons = QHBoxLayout()
        for button in (self.keep_office_button, self.keep_hq_button, self.edit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        conflicts.addWidget(self.no_conflicts)
        conflicts.addWidget(self.conflicts_table)
        conflicts.addLayout(buttons)
        self.may_settle = may(self.workspace.user.role, Permission.REVIEW_CASES)
        if not self.may_settle:
            hint = QLabel(_(REVIEWERS_ONLY))
            hint.setWordWrap(True)
            conflicts.addWidget(hint)
        self.conflict_message = MessageLine("conflictMessage")
        conflicts.addWidget(self.conflict_message)
        layout.addWidget(self.conflicts_box, 2)
        self.conflicts_box.setVisible(self.at_hq)
        return page

    # --- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the exchange's state again and show it on every tab."""
        try:
            status = exchange_status(self.workspace, include_demo=self.include_demo.isChecked())
        except (HomewardError, OperationalError) as error:
            self.send_message.say(problem_text(error), problem=True)
            return
        self.status = status
        self._show_send(status)
        _fill(
            self.peers_table,
            [
                (
                    peer.office_code,
                    role_name(peer.role),
                    str(peer.sent) if peer.sent else "—",
                    str(peer.received) if peer.received else "—",
                    datetime_text(peer.last_received_at) if peer.last_received_at else "—",
                    missing_text(peer),
                    _("revoked") if peer.revoked else _("trusted"),
                )
                for peer in status.peers
            ],
        )
        _fill(
            self.set_aside_table,
            [
                (
                    held.case_number,
                    str(held.revision),
                    datetime_text(held.at),
                    reason_text(held.reason),
                )
                for held in status.set_aside
            ],
        )
        self.set_aside_table.setVisible(bool(status.set_aside))
        self.no_set_aside.setVisible(not status.set_aside)
        language = active_language()
        self.conflicts = [describe_conflict(c, language) for c in status.conflicts]
        _fill(
            self.conflicts_table,
            [
                (
                    view.conflict.case_number,
                    " · ".join(view.field),
                    view.office,
                    view.hq,
                    datetime_text(view.conflict.opened_at),
                )
                for view in self.conflicts
            ],
        )
        self.conflicts_table.setVisible(bool(self.conflicts))
        self.no_conflicts.setVisible(not self.conflicts)
        self._conflict_selected()

    def _show_send(self, status: ExchangeStatus) -> None:
        usable = [p for p in status.peers if not p.revoked]
        if self.at_hq:
            chosen = self.office_choice.currentData()
            self.office_choice.clear()
            names = {key.office_code: key.name for key in trusted_keys(self.workspace)}
            for peer in usable:
                if peer.role == "office":
                    name = names.get(peer.office_code, "")
                    shown = f"{peer.office_code} — {name}" if name else peer.office_code
                    self.office_choice.addItem(shown, peer.office_code)
            if chosen is not None and (index := self.office_choice.findData(chosen)) >= 0:
                self.office_choice.setCurrentIndex(index)
            if self.office_choice.count():
                intro = _(
                    "An answer bundle tells the office which of its cases headquarters "
                    "received, and carries HQ's decisions on its plans."
                )
            else:
                intro = _("No office's key is trusted yet: trust it under Bundle keys first.")
            self.write_button.setEnabled(self.task is None and self.office_choice.count() > 0)
        else:
            if not any(p.role == "hq" for p in usable):
                intro = _(
                    "No headquarters key is trusted yet: trust HQ's key file under Bundle keys "
                    "first."
                )
                self.write_button.setEnabled(False)
            else:
                count = status.awaiting_receipt
                if count:
                    intro = fill(
                        ngettext(
                            "{count} case awaits headquarters' receipt.",
                            "{count} cases await headquarters' receipt.",
                            count,
                        ),
                        count=count,
                    )
                    if status.to_send == 0:
                        intro += " " + _("They are on their way: the next bundle holds none.")
                    elif status.to_send < count:
                        intro += " " + fill(
                            ngettext(
                                "{count} of them goes in the next bundle; the others are on "
                                "their way.",
                                "{count} of them go in the next bundle; the others are on "
                                "their way.",
                                status.to_send,
                            ),
                            count=status.to_send,
                        )
                else:
                    intro = _("Headquarters has acknowledged every case as it is now.")
                self.write_button.setEnabled(self.task is None)
        self.send_intro.setText(intro)

    def selected_conflict(self) -> ConflictView | None:
        rows = self.conflicts_table.selectionModel().selectedRows()
        return (
            self.conflicts[rows[0].row()] if rows and rows[0].row() < len(self.conflicts) else None
        )

    def _conflict_selected(self) -> None:
        view = self.selected_conflict()
        chosen = view is not None and self.may_settle
        self.keep_office_button.setEnabled(chosen)
        self.keep_hq_button.setEnabled(chosen)
        self.edit_button.setEnabled(chosen and view is not None and view.editable)
        self.edit_button.setToolTip(_(NOT_TEXT) if view is not None and not view.editable else "")

    # --- sending ----------------------------------------------------------------------------
    def write_bundle(self) -> Task | None:
        folder = QFileDialog.getExistingDirectory(self, _("Write the bundle to"), str(Path.home()))
        if not folder:
            return None
        workspace = self.workspace
        office = self.office_choice.currentData() if self.at_hq else None
        self.answering = office or ""
        everything, include_demo = self.everything.isChecked(), self.include_demo.isChecked()

        def work(progress: Progress, cancelled: Cancelled) -> ExportResult | NothingToExport:
            try:
                return export_bundle(
                    workspace, Path(folder), everything=everything, include_demo=include_demo,
                    office=office, progress=progress, cancelled=cancelled,
                )  # fmt: skip
            except NothingToExport as nothing:
                return nothing  # news, not a failure

        self.send_message.say("")
        return self._run(_("Writing the bundle…"), work, self._written)

    def _written(self, outcome: ExportResult | NothingToExport) -> None:
        if isinstance(outcome, NothingToExport):
            self.send_message.say(translate_error(outcome))
            return
        self.last_export = outcome
        if self.at_hq:
            lines = [
                fill(_("Answer bundle {sequence} for {office} written to {path}."),
                     sequence=outcome.sequence, office=self.answering,
                     path=str(outcome.path)),
                fill(_("Receipts: {receipts} · Decisions: {decisions}"),
                     receipts=outcome.receipts, decisions=outcome.decisions),
            ]  # fmt: skip
        else:
            lines = [
                fill(_("Bundle {sequence} written to {path}."), sequence=outcome.sequence,
                     path=str(outcome.path)),
                fill(_("Cases: {cases} · Erased cases: {tombstones}"), cases=outcome.cases,
                     tombstones=outcome.tombstones),
            ]  # fmt: skip
        self.send_message.say("\n".join(lines))
        self.refresh()

    # --- receiving --------------------------------------------------------------------------
    def import_bundles(self) -> Task | None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Import bundles"), str(Path.home()), _(BUNDLE_FILES)
        )
        if not names:
            return None
        paths = [Path(name) for name in names]
        workspace = self.workspace
        self.import_report.clear()
        return self._run(
            ngettext("Importing {count} bundle…", "Importing {count} bundles…", len(paths)).format(
                count=len(paths)
            ),
            lambda progress, cancelled: import_files(workspace, paths, progress, cancelled),
            self._imported,
        )

    def _imported(self, run: ImportRun) -> None:
        self.last_import = run
        blocks = []
        for path, outcome in run.outcomes:
            if isinstance(outcome, HomewardError):
                text = fill(_("Not imported: {problem}"), problem=translate_error(outcome))
            else:
                text = import_summary(outcome)
            blocks.append(f"{path.name}\n{text}")
        if run.stopped_at is not None:
            blocks.append(
                fill(
                    _("Import stopped: {name} and the files after it were not imported."),
                    name=run.stopped_at.name,
                )
            )
        self.import_report.setPlainText("\n\n".join(blocks))
        self.refresh()
        if any(
            isinstance(outcome, ImportResult) and not outcome.already_imported
            for _path, outcome in run.outcomes
        ):
            self.cases_changed.emit()

    # --- settling conflicts -----------------------------------------------------------------
    def settle(self, keep: str, value: str | None = None) -> None:
        view = self.selected_conflict()
        if view is None:
            return
        try:
            resolve_conflict(self.workspace, view.conflict.id, keep, value)
        except (HomewardError, OperationalError) as error:
            self.conflict_message.say(problem_text(error), problem=True)
            return
        field = " · ".join(view.field)
        done = {
            "office": _("Case {case}: the office's value of {field} kept."),
            "hq": _("Case {case}: HQ's value of {field} kept."),
            "edited": _("Case {case}: {field} set to the value typed."),
        }[keep]
        self.refresh()
        self.conflict_message.say(fill(done, case=view.conflict.case_number, field=field))
        self.cases_changed.emit()

    def edit_value(self) -> None:
        view = self.selected_conflict()
        if view is None or not view.editable:
            return
        current = view.conflict.hq if isinstance(view.conflict.hq, str) else ""
        text, ok = QInputDialog.getText(
            self,
            _("Settle a conflict"),
            fill(
                _("{field} of case {case}:"),
                field=" · ".join(view.field),
                case=view.conflict.case_number,
            ),
            QLineEdit.EchoMode.Normal,
            current,
        )
        if not ok:
            return
        if not text.strip():
            self.conflict_message.say(
                _("Type a value, or keep the office's or HQ's."), problem=True
            )
            return
        self.settle("edited", text.strip())

    def _tab_changed(self, index: int) -> None:
        if index == 2 and self.task is None:
            self.refresh()  # another reviewer (PostgreSQL at HQ) may have settled something

    def reject(self) -> None:
        """Not closed while a bundle is being written or read: its outcome is shown here."""
        if self.task is None:
            super().reject()

    # --- long work --------------------------------------------------------------------------
    def _run(self, label: str, work: Work, on_done: Callable[[object], None]) -> Task:
        self.write_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.task = run_task(self, label, work, on_done)
        self.task.ended.connect(self._task_ended)
        return self.task

    def _task_ended(self) -> None:
        self.task = None
        self.import_button.setEnabled(True)
        if self.status is not None:
            self._show_send(self.status)
