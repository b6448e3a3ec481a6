"""The retention purge (supervisors): which ended cases the office's period has reached, erase
them in one go, then read and keep the report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.cases import STATUS_LABELS
from app.domain.errors import HomewardError
from app.i18n import fill, ngettext, translate_error
from app.i18n import gettext as _
from app.services.erasure import (
    PurgeReport,
    due_for_retention,
    purge_report_text,
    purge_retention,
    retention_years,
    save_purge_report,
)
from app.services.workspace import Workspace
from app.ui.formatting import date_text
from app.ui.tasks import run_task


class RetentionPurgeDialog(QDialog):
    purged = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionPurgeDialog")
        self.setWindowTitle(_("Retention purge"))
        self.workspace = workspace
        self.report: PurgeReport | None = None
        due = due_for_retention(workspace)
        years = retention_years(workspace)
        self.summary = QLabel(fill(ngettext(
            "{count} ended case is past the office's retention period of {years} years.",
            "{count} ended cases are past the office's retention period of {years} years.",
            len(due)), count=len(due), years=years))  # fmt: skip
        self.summary.setObjectName("retentionSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(due), 3)
        self.table.setObjectName("retentionCases")
        self.table.setHorizontalHeaderLabels([_("Case number"), _("Status"), _("Last change")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, case in enumerate(due):
            cells = (case.case_number, _(STATUS_LABELS[case.status]),
                     date_text(case.last_change.date()))  # fmt: skip
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.report_view = QPlainTextEdit()
        self.report_view.setObjectName("purgeReport")
        self.report_view.setReadOnly(True)
        self.report_view.hide()
        self.message = QLabel()
        self.message.setObjectName("purgeMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.purge_button = QPushButton(_("Erase these cases"))
        self.purge_button.setObjectName("purgeButton")
        self.purge_button.setEnabled(bool(due))
        self.purge_button.setAutoDefault(False)
        self.purge_button.clicked.connect(self._purge)
        buttons.addButton(self.purge_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.save_button = QPushButton(_("Save the report…"))
        self.save_button.setObjectName("saveReportButton")
        self.save_button.clicked.connect(self._save)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.hide()  # after addButton, which shows it
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.report_view)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 440)

    def _purge(self) -> None:
        """Off the window's thread; a cancel erases none of the cases (one transaction)."""
        self.purge_button.setEnabled(False)
        workspace = self.workspace
        task = run_task(self, _("Erasing the cases past the retention period…"),
                        lambda progress, cancelled: purge_retention(
                            workspace, progress=progress, cancelled=cancelled),
                        self._purged)  # fmt: skip
        task.ended.connect(lambda: self.purge_button.setEnabled(self.report is None))

    def _purged(self, report: PurgeReport) -> None:
        self.report = report
        self.table.hide()
        self.purge_button.hide()
        count = len(report.erased)
        erased = ngettext("{count} case erased.", "{count} cases erased.", count)
        self.summary.setText(fill(erased, count=count))
        self.report_view.setPlainText(purge_report_text(report))
        self.report_view.show()
        self.save_button.show()
        self.purged.emit(len(report.erased))

    def _save(self) -> None:
        if self.report is None:
            return
        name = f"retention-purge-{self.report.at.date().isoformat()}.txt"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the report"), str(Path.home() / name), _("Text files (*.txt)")
        )
        if not path:
            return
        try:
            save_purge_report(self.workspace, self.report, Path(path))
        except HomewardError as error:
            self.message.setText(translate_error(error))
            return
        self.message.setText(fill(_("Report saved to {path}."), path=path))
