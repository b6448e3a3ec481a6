"""The case register window: search, list, detail, and opening new cases."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
)

from app import __version__
from app.config import load_settings, save_settings
from app.domain.accounts import ROLE_LABELS, Permission, may
from app.domain.errors import HomewardError
from app.i18n import active_language, ngettext
from app.i18n import gettext as _
from app.i18n.languages import LANGUAGES
from app.services.backup import BackupInfo, back_up
from app.services.cases import CaseRegister, CaseRow
from app.services.office import auto_lock_minutes
from app.services.workspace import Workspace
from app.ui.case_detail import CaseDetailPane
from app.ui.case_table_model import ROW_ROLE, CaseTableModel, column_of
from app.ui.errors import show_error
from app.ui.first_paint import AfterFirstPaint
from app.ui.idle_lock import IdleLock
from app.ui.language import apply_language
from app.ui.tasks import Task, run_task

# What the case list does not show is imported when first used, so the list paints sooner;
# what the next click needs (a selected case's detail, its session) is loaded right after the
# first paint (MainWindow._after_first_paint).
if TYPE_CHECKING:
    from app.services.counselling import Counselling
    from app.ui.accounts_dialog import AccountsDialog
    from app.ui.case_history import CaseHistoryDialog
    from app.ui.case_progress_dialog import MoveCaseDialog
    from app.ui.edit_case_dialog import EditCaseDialog
    from app.ui.erase_dialog import EraseCaseDialog
    from app.ui.exchange_dialog import ExchangeDialog
    from app.ui.help_dialog import HelpDialog
    from app.ui.keys_dialog import KeysDialog
    from app.ui.password_dialog import ChangePasswordDialog
    from app.ui.print_dialog import PrintDialog
    from app.ui.retention_dialog import RetentionPurgeDialog
    from app.ui.review_queue import ReviewQueue
    from app.ui.session.window import SessionWindow

SEARCH_DELAY_MS = 150
# Default widths; the name takes what is left, so the table never needs a horizontal scroll.
_NATIVE = QKeySequence.SequenceFormat.NativeText
COLUMN_WIDTHS = (125, None, 95, 105, 165, 115, 95, 135)


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    first_painted = Signal()  # the case list is on screen: what can wait starts now

    def __init__(self, workspace: Workspace, settings: QSettings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.workspace = workspace
        self.register = CaseRegister(workspace)
        self._counselling: Counselling | None = None  # built with the first session
        self.sessions: dict[str, SessionWindow] = {}
        self.settings = settings
        office = workspace.installation
        self.setWindowTitle(f"Homeward — {office.office_code} {office.office_name}")

        self.model = CaseTableModel(self.register, self)
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        # The model is counted once, in its own order (the latest change first); the view
        # shows that order before it starts sorting, so it does not count again.
        query = self.model.query
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column_of(query.sort), order)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate(COLUMN_WIDTHS):
            if width is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.resizeSection(column, width)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header.sortIndicatorChanged.connect(lambda *_sort: self.table.scrollToTop())

        self.detail = CaseDetailPane()
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_search)

        self.new_case_action = QAction(self)
        self.new_case_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_case_action.triggered.connect(self.open_new_case)
        self.session_action = QAction(self)
        self.session_action.setShortcut(QKeySequence("Ctrl+O"))
        self.session_action.triggered.connect(self.open_selected_session)
        self.table.activated.connect(lambda index: self.open_session(index.data(ROW_ROLE)))
        self.print_action = QAction(self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.open_print)
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.budget_action = QAction(self)
        self.budget_action.triggered.connect(self.open_budget)
        self.budget_action.setEnabled(may(workspace.user.role, Permission.MANAGE_OFFICE))
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.edit_action = QAction(self)
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_action.triggered.connect(self.open_edit_case)
        self.move_action = QAction(self)
        self.move_action.setShortcut(QKeySequence("Ctrl+M"))
        self.move_action.triggered.connect(self.open_move_case)
        self.history_action = QAction(self)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.triggered.connect(self.open_history)
        self.guide_action = QAction(self)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.triggered.connect(self.open_guide)
        self.remove_demo_action = QAction(self)
        self.remove_demo_action.triggered.connect(self.remove_demo)
        self.remove_demo_action.setEnabled(may(workspace.user.role, Permission.MANAGE_OFFICE))
        self.sign_out_action = QAction(self)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.backup_action = QAction(self)
        self.backup_action.triggered.connect(self.back_up)
        self.backup_action.setEnabled(may(workspace.user.role, Permission.MANAGE_OFFICE))
        self.accounts_action = QAction(self)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.accounts_action.setEnabled(may(workspace.user.role, Permission.MANAGE_ACCOUNTS))
        self.password_action = QAction(self)
        self.password_action.triggered.connect(self.open_change_password)
        self.erase_action = QAction(self)
        self.erase_action.triggered.connect(self.open_erase_case)
        self.returnee_data_action = QAction(self)
        self.returnee_data_action.triggered.connect(self.export_returnee_data)
        self.purge_action = QAction(self)
        self.purge_action.triggered.connect(self.open_retention_purge)
        self.purge_action.setEnabled(may(workspace.user.role, Permission.ERASE_CASES))
        self.exchange_action = QAction(self)
        self.exchange_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.exchange_action.triggered.connect(self.open_exchange)
        self.keys_action = QAction(self)
        self.keys_action.triggered.connect(self.open_keys)
        self.review_action = QAction(self)
        self.review_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.review_action.triggered.connect(self.open_review_queue)
        self.review_action.setVisible(workspace.installation.role == "hq")
        self.restore_action = QAction(self)
        self.restore_action.triggered.connect(self.restore_backup)
        self.restore_action.setEnabled(may(workspace.user.role, Permission.MANAGE_OFFICE))
        # actions on the selected case: greyed while none is selected
        self.case_actions = (self.session_action, self.edit_action, self.print_action,
                             self.move_action, self.history_action)  # fmt: skip
        # greyed also for a role that may not use them
        self.guarded_case_actions = {
            self.erase_action: Permission.ERASE_CASES,
            self.returnee_data_action: Permission.REVIEW_CASES,
        }

        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(self.new_case_action)
        self.file_menu.addAction(self.session_action)
        self.file_menu.addAction(self.print_action)
        self.file_menu.addAction(self.exchange_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.password_action)
        self.file_menu.addAction(self.sign_out_action)
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = self.menuBar().addMenu("")
        self.edit_menu.addAction(self.find_action)
        self.case_menu = self.menuBar().addMenu("")
        self.case_menu.setObjectName("caseMenu")
        self.case_menu.addAction(self.session_action)
        self.case_menu.addAction(self.edit_action)
        self.case_menu.addAction(self.move_action)
        self.case_menu.addAction(self.history_action)
        self.case_menu.addAction(self.print_action)
        self.case_menu.addAction(self.review_action)
        self.case_menu.addSeparator()
        self.case_menu.addAction(self.returnee_data_action)
        self.case_menu.addAction(self.erase_action)
        self.office_menu = self.menuBar().addMenu("")
        self.office_menu.addAction(self.budget_action)
        self.office_menu.addAction(self.accounts_action)
        self.office_menu.addAction(self.backup_action)
        self.office_menu.addAction(self.restore_action)
        self.office_menu.addAction(self.keys_action)
        self.office_menu.addAction(self.purge_action)
        self.office_menu.addSeparator()
        self.office_menu.addAction(self.remove_demo_action)
        self.language_menu = self.menuBar().addMenu("")
        self.language_menu.setObjectName("languageMenu")
        self.language_actions = QActionGroup(self)
        for lang in LANGUAGES:
            action = QAction(f"{lang.native_name} ({lang.code})", self, checkable=True)
            action.setData(lang.code)
            action.setChecked(lang.code == active_language())
            self.language_actions.addAction(action)
            self.language_menu.addAction(action)
        self.language_actions.triggered.connect(self._language_chosen)
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.guide_action)
        self.help_menu.addAction(self.about_action)

        toolbar = QToolBar()
        toolbar.setObjectName("caseToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.new_case_action)
        toolbar.addAction(self.session_action)
        toolbar.addAction(self.print_action)
        toolbar.addAction(self.move_action)
        toolbar.addSeparator()
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)

        self.count_label = QLabel()
        self.count_label.setObjectName("caseCount")
        self.statusBar().addWidget(self.count_label, 1)
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self.model.modelReset.connect(self._update_count)
        self._set_texts()
        self._update_count()
        self._restore_state()
        self._case_selected(None)
        minutes = auto_lock_minutes(workspace.paths)
        self.idle_lock = IdleLock(workspace, minutes * 60, self._save_sessions, self)
        AfterFirstPaint(self.table.viewport(), self._after_first_paint)

    def _after_first_paint(self) -> None:
        """Say the list is on screen (the store's checks start), then load what the next
        click needs while the counsellor looks at the list: the detail of a selected case
        and the session window with its forms (a step at a time, so a click in between is
        not kept waiting)."""
        self.first_painted.emit()
        steps = [  # not app.services.exchange: it loads the bundle crypto (test_startup)
            lambda: import_module("app.services.case_progress"),
            lambda: import_module("app.ui.session.window"),
            lambda: self.counselling,  # reads the form definitions
        ]

        def next_step() -> None:
            steps.pop(0)()
            if steps:
                QTimer.singleShot(0, next_step)

        next_step()

    @property
    def counselling(self) -> Counselling:
        """The session service (its forms are read when first needed, not at start-up)."""
        if self._counselling is None:
            from app.services.counselling import Counselling

            self._counselling = Counselling(self.workspace)
        return self._counselling

    def _save_sessions(self) -> None:
        """Before the window locks: whatever is typed reaches the store."""
        for window in list(self.sessions.values()):
            if shiboken6.isValid(window):
                window.save_now()

    def retranslate(self) -> None:
        """Set every text in the interface language again, after a switch: the list's cells
        and headers too."""
        self._set_texts()
        selected = self.table.selectionModel().selectedRows()
        case_number = selected[0].data(ROW_ROLE).case_number if selected else None
        self.model.reload()  # headers and cells are formatted in the new language
        if case_number:
            self.select_case(case_number)

    def _set_texts(self) -> None:
        """Every text of the window's own in the interface language."""
        self.search.setPlaceholderText(_("Search by case number, name or country (Ctrl+F)"))
        self.new_case_action.setText(_("&New case…"))
        self.session_action.setText(_("Counselling &session"))
        self.print_action.setText(_("&Print…"))
        self.find_action.setText(_("&Find"))
        self.quit_action.setText(_("&Quit"))
        self.about_action.setText(_("&About Homeward"))
        self.budget_action.setText(_("&Budget and exchange rates…"))
        self.move_action.setText(_("&Move case on…"))
        self.edit_action.setText(_("&Edit returnee and household…"))
        self.history_action.setText(_("Case &history…"))
        self.guide_action.setText(_("&Guide and shortcuts"))
        self.remove_demo_action.setText(_("Remove &demo cases…"))
        self.sign_out_action.setText(_("Sign &out"))
        self.accounts_action.setText(_("&Accounts…"))
        self.backup_action.setText(_("Back &up to a file…"))
        self.password_action.setText(_("Change my &password…"))
        self.erase_action.setText(_("E&rase case…"))
        self.returnee_data_action.setText(_("E&xport the returnee's data…"))
        self.purge_action.setText(_("Retention &purge…"))
        self.restore_action.setText(_("&Restore from a backup…"))
        self.exchange_action.setText(_("Send and receive &bundles…"))
        self.keys_action.setText(_("&Keys for bundles…"))
        self.review_action.setText(_("Plans to &review…"))
        self.case_menu.setTitle(_("&Case"))
        self.office_menu.setTitle(_("&Office"))
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        user, office = self.workspace.user, self.workspace.installation
        self.user_label.setText(
            f"{user.display_name} · {_(ROLE_LABELS[user.role])} · {office.office_code}"
        )

    def _language_chosen(self, action: QAction) -> None:
        code = str(action.data())
        settings = load_settings(self.workspace.paths)
        settings["interface_language"] = code
        save_settings(self.workspace.paths, settings)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_language(app, code)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            for window in self.sessions.values():
                window.retranslate()
        super().changeEvent(event)

    # actions
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_new_case(self) -> None:
        from app.ui.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.register, self)
        if dialog.exec() and dialog.created is not None:
            self._search_timer.stop()
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.model.set_search("", force=True)
            self.select_case(dialog.created.case_number)
            self.open_session(dialog.created)
            self.statusBar().showMessage(
                _("Case {number} opened.").format(number=dialog.created.case_number), 5000
            )

    def open_selected_session(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_session(rows[0].data(ROW_ROLE))

    def open_budget(self) -> None:
        from app.ui.office_dialog import OfficeBudgetDialog

        OfficeBudgetDialog(self.workspace, self).exec()

    def back_up(self) -> Task | None:
        """A checked backup file where the administrator chooses (a USB stick, say), written
        off the window's thread."""
        name = f"homeward-{self.workspace.installation.office_code}-{dt.date.today()}.hwbackup"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Back up to a file"), str(Path.home() / name), _("Backups (*.hwbackup)")
        )
        if not path:
            return None
        self._save_sessions()
        workspace, out = self.workspace, Path(path)

        def done(info: BackupInfo) -> None:
            self.statusBar().showMessage(_("Backup written to {path} and checked.").format(
                path=info.path), 8000)  # fmt: skip

        return run_task(self, _("Writing the backup…"),
                        lambda progress, cancelled: back_up(workspace, out, progress, cancelled),
                        done)  # fmt: skip

    def open_accounts(self) -> AccountsDialog:
        from app.ui.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self.workspace, self)
        dialog.show()
        return dialog

    def open_change_password(self) -> ChangePasswordDialog:
        from app.ui.password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.workspace, self)
        dialog.show()
        return dialog

    def selected_row(self) -> CaseRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def open_move_case(self) -> MoveCaseDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        window = self.sessions.get(row.case_number)
        if window is not None and shiboken6.isValid(window) and not window.save_now():
            return None  # what is typed there must reach the store before the case moves
        from app.ui.case_progress_dialog import MoveCaseDialog

        dialog = MoveCaseDialog(self.workspace, row.case_number, self)
        dialog.moved.connect(self._case_changed)
        dialog.show()
        return dialog

    def open_edit_case(self) -> EditCaseDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        from app.ui.edit_case_dialog import EditCaseDialog

        dialog = EditCaseDialog(self.register, row.case_number, self)
        dialog.accepted.connect(lambda: self._case_changed(row.case_number))
        dialog.show()
        return dialog

    def open_history(self) -> CaseHistoryDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        from app.ui.case_history import CaseHistoryDialog

        dialog = CaseHistoryDialog(self.workspace, row.case_number, self)
        dialog.show()
        return dialog

    def open_guide(self) -> HelpDialog:
        from app.ui.help_dialog import HelpDialog, shortcut_rows

        actions = [self.new_case_action, self.find_action, self.session_action,
                   self.edit_action, self.move_action, self.history_action, self.print_action,
                   self.guide_action, self.quit_action]  # fmt: skip
        rows = [
            *shortcut_rows(actions),
            (_("Save the answers now (session)"), QKeySequence("Ctrl+S").toString(_NATIVE)),
            (_("Complete this step (session)"), QKeySequence("Ctrl+Return").toString(_NATIVE)),
            (_("Next question"), QKeySequence("Tab").toString(_NATIVE)),
        ]
        dialog = HelpDialog(rows, self)
        dialog.show()
        return dialog

    def remove_demo(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Remove demo cases"),
            _("Delete every demo case (numbered DEMO-…)? Real cases are not touched."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        for case_number in [n for n in self.sessions if n.startswith("DEMO-")]:
            window = self.sessions[case_number]
            if shiboken6.isValid(window):
                window.close()
        from app.services.demo import remove_demo_cases

        try:
            removed = remove_demo_cases(self.workspace)
        except HomewardError as error:
            show_error(self, error)
            return
        self.model.reload()
        self.statusBar().showMessage(
            ngettext("{count} demo case removed.", "{count} demo cases removed.", removed).format(
                count=removed
            ),
            6000,
        )

    def open_erase_case(self) -> EraseCaseDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        window = self.sessions.get(row.case_number)
        if window is not None and shiboken6.isValid(window) and not window.close():
            return None  # its answers could not be saved and the counsellor kept it open
        from app.ui.erase_dialog import EraseCaseDialog

        dialog = EraseCaseDialog(self.workspace, row.case_number, self)
        dialog.erased.connect(self._case_erased)
        dialog.show()
        return dialog

    def open_retention_purge(self) -> RetentionPurgeDialog | None:
        for window in list(self.sessions.values()):  # one of them may be an ended case
            if shiboken6.isValid(window) and not window.close():
                return None
        from app.ui.retention_dialog import RetentionPurgeDialog

        dialog = RetentionPurgeDialog(self.workspace, self)
        dialog.purged.connect(self._cases_purged)
        dialog.show()
        return dialog

    def export_returnee_data(self) -> Path | None:
        row = self.selected_row()
        if row is None:
            return None
        window = self.sessions.get(row.case_number)
        if window is not None and shiboken6.isValid(window) and not window.save_now():
            return None
        from app.ui.data_protection import export_returnee_data_to_folder

        return export_returnee_data_to_folder(self, self.workspace, row.case_number)

    def restore_backup(self) -> bool:
        """Put a backup in place of the store, then hand back to the sign-in: the sessions
        are saved and closed first, and the replaced store is kept aside."""
        from app.ui.data_protection import choose_backup_to_restore, restore_backup_file

        choice = choose_backup_to_restore(self, self.workspace.user.username)
        if choice is None:
            return False
        for window in list(self.sessions.values()):
            if shiboken6.isValid(window) and not window.close():
                return False
        self.save_state()
        if not restore_backup_file(self, self.workspace, choice):
            return False
        self.sign_out_requested.emit()
        return True

    def open_exchange(self) -> ExchangeDialog:
        """Bundles to and from headquarters; what is open is saved first, so it travels."""
        from app.ui.exchange_dialog import ExchangeDialog

        self._save_sessions()
        dialog = ExchangeDialog(self.workspace, self)
        dialog.cases_changed.connect(self._cases_changed)
        dialog.show()
        return dialog

    def open_keys(self) -> KeysDialog:
        from app.ui.keys_dialog import KeysDialog

        dialog = KeysDialog(self.workspace, self)
        dialog.show()
        return dialog

    def open_review_queue(self) -> ReviewQueue:
        from app.ui.review_queue import ReviewQueue

        dialog = ReviewQueue(self.workspace, self)
        dialog.decided.connect(self._case_changed)
        dialog.show()
        return dialog

    def _cases_changed(self) -> None:
        selected = self.selected_row()
        self.model.reload()
        if selected is not None:
            self.select_case(selected.case_number)

    def _case_erased(self, case_number: str) -> None:
        self.sessions.pop(case_number, None)
        self.model.reload()
        self.table.selectionModel().clearSelection()
        self._case_selected(None)
        self.statusBar().showMessage(_("Case {number} erased.").format(number=case_number), 8000)

    def _cases_purged(self, count: int) -> None:
        self.model.reload()
        self.table.selectionModel().clearSelection()
        self._case_selected(None)

    def sign_out(self) -> None:
        """Close every session (saving what was typed), then hand back to the sign-in."""
        for window in list(self.sessions.values()):
            if shiboken6.isValid(window) and not window.close():
                return  # a session could not save and the counsellor kept it open
        self.save_state()
        self.sign_out_requested.emit()

    def _case_changed(self, case_number: str) -> None:
        self.model.reload()
        self.select_case(case_number)
        window = self.sessions.get(case_number)
        if window is not None and shiboken6.isValid(window):
            window.reload()

    def open_print(self) -> PrintDialog | None:
        from app.services.printing import Printing
        from app.ui.print_dialog import PrintDialog

        row = self.selected_row()
        if row is None:
            self.statusBar().showMessage(_("Select a case to print."), 4000)
            return None
        window = self.sessions.get(row.case_number)
        if window is not None:
            return window.open_print()
        dialog = PrintDialog(Printing(self.workspace, self.counselling), row.case_number,
                             row.session_language, self)  # fmt: skip
        dialog.show()
        return dialog

    def open_session(self, row: CaseRow | None) -> SessionWindow | None:
        """Open (or bring forward) the counselling session window of ``row``'s case."""
        if row is None:
            return None
        window = self.sessions.get(row.case_number)
        if window is not None and not shiboken6.isValid(window):
            window = None  # closed without telling us (it could not finish closing cleanly)
        if window is None:
            from app.ui.session.window import SessionWindow

            window = SessionWindow(
                self.counselling, row.case_number, active_language(), self.settings
            )
            window.closed.connect(self._session_closed)
            self.sessions[row.case_number] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _session_closed(self, case_number: str) -> None:
        self.sessions.pop(case_number, None)
        self.model.reload()
        self.select_case(case_number)

    def select_case(self, case_number: str) -> bool:
        """Select ``case_number`` in the list (found by its place in the sort, the pages
        before it unread)."""
        row = self.model.row_of(case_number)
        if row < 0:
            return False
        # Not QTableView.selectRow: with a right-to-left layout (Arabic, Dari, Pashto, Urdu
        # interfaces) Qt 6.12 selects nothing through it; the selection model works both ways.
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().setCurrentIndex(
            index, flags | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search.text())
        self.table.scrollToTop()  # a new search reads from its first hit

    def _update_count(self) -> None:
        total = self.model.total
        self.count_label.setText(
            ngettext("{count} case", "{count} cases", total).format(count=total)
        )
        self._case_selected(None)

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        self._case_selected(indexes[0].data(ROW_ROLE) if indexes else None)

    def _case_selected(self, row: CaseRow | None) -> None:
        for action in self.case_actions:
            action.setEnabled(row is not None)
        for action, permission in self.guarded_case_actions.items():
            action.setEnabled(row is not None and may(self.workspace.user.role, permission))
        if row is None:
            self.detail.show_case(None)
            return
        from app.services.case_progress import latest_decision
        from app.services.exchange import case_at_headquarters

        self.detail.show_case(
            self.register.detail(row.case_number),
            latest_decision(self.workspace, row.case_number),
            case_at_headquarters(self.workspace, row.case_number),
        )

    def _about(self) -> None:
        QMessageBox.about(
            self,
            _("About Homeward"),
            _(
                "Homeward {version}: counselling for assisted voluntary return and "
                "reintegration, offline."
            ).format(version=__version__),
        )

    # window state
    def _restore_state(self) -> None:
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 800)
            self.splitter.setSizes([1060, 340])
        for key, restore in (
            ("main/state", self.restoreState),
            ("main/splitter", self.splitter.restoreState),
            ("main/header", self.table.horizontalHeader().restoreState),
        ):
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def save_state(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.setValue("main/header", self.table.horizontalHeader().saveState())
        self.settings.setValue("login/last_user", self.workspace.user.username)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.idle_lock.stop()
        super().closeEvent(event)
