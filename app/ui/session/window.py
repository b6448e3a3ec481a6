"""The session window of one case: consent → intake → plan → review.

Answers are saved a moment after the counsellor stops typing, when the step changes and when
the window closes, so closing the lid or a crash loses at most the last second of typing.
"""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from app.domain.cases import STATUS_LABELS, CaseStatus
from app.domain.errors import HomewardError
from app.domain.session import FORM_STEPS, STEP_LABELS, STEPS, StepIncomplete
from app.i18n import active_language, translate_error
from app.i18n import gettext as _
from app.services.case_progress import latest_decision
from app.services.counselling import Counselling, SessionState
from app.ui.decision_summary import DecisionSummaryLabel
from app.ui.errors import show_error
from app.ui.first_paint import AfterFirstPaint
from app.ui.pickers import language_combo
from app.ui.session.form_page import FormPage, Languages
from app.ui.session.review import AssessmentPanel, ReviewView

if TYPE_CHECKING:  # printing loads the layout and fonts: on first use
    from app.services.printing import Printing
    from app.ui.print_dialog import PrintDialog

log = logging.getLogger("homeward.ui")
SAVE_DELAY_MS = 600  # after the last key
# Steady typing never pauses for SAVE_DELAY_MS: save anyway once the oldest unsaved change is
# this old, so a crash or a power cut loses at most about two seconds of typing.
MAX_UNSAVED_S = 2.0


def locked_reason(status: CaseStatus) -> str:
    """Why the answers of a case in ``status`` are shown greyed, in words."""
    if status is CaseStatus.WITHDRAWN:
        return _("The migrant withdrew from the programme: the answers are kept as they were "
                 "and can no longer be changed.")  # fmt: skip
    if status is CaseStatus.REJECTED:
        return _("The plan was rejected. To revise it, move the case back to planning "
                 "(Case menu, Move case on…).")  # fmt: skip
    return _("This case is {status}: the answers are what was submitted and can no longer "
             "be changed here.").format(status=_(STATUS_LABELS[status]).lower())  # fmt: skip


class SessionWindow(QMainWindow):
    closed = Signal(str)

    def __init__(
        self,
        counselling: Counselling,
        case_number: str,
        counsellor_language: str,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("sessionWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.counselling = counselling
        self.case_number = case_number
        self.counsellor_language = counsellor_language
        self.settings = settings
        self.state: SessionState = counselling.state(case_number)
        self.sitting: uuid.UUID | None = None  # recorded once the window is on screen
        self._dirty: set[str] = set()
        self._dirty_since: float | None = None  # when the oldest unsaved change was made
        self._saving = False
        self._failing = False  # the last save was refused and the counsellor was told
        self.pages = _Pages(self._page)  # built on first use

        self.title = QLabel()
        self.title.setObjectName("sessionTitle")
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.status = QLabel()
        self.status.setObjectName("sessionStatus")
        self.migrant_language = language_combo()
        self.migrant_language.setObjectName("migrantLanguage")
        self.migrant_language.set_code(self.state.case.session_language)
        self.migrant_language.activated.connect(self._language_chosen)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.status)
        header.addSpacing(16)
        self.language_label = QLabel(_("Migrant's language"))
        header.addWidget(self.language_label)
        header.addWidget(self.migrant_language)

        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setMaximumWidth(260)
        for step in STEPS:
            item = QListWidgetItem(_(STEP_LABELS[step]))
            item.setData(Qt.ItemDataRole.UserRole, step)
            self.steps.addItem(item)
        self.steps.currentRowChanged.connect(self._step_chosen)

        self.stack = QStackedWidget()
        self.plan_assessment = AssessmentPanel()
        self.review = ReviewView()
        self.plan_holder = QWidget()
        plan_layout = QVBoxLayout(self.plan_holder)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        self.plan_slot = QVBoxLayout()
        plan_layout.addLayout(self.plan_slot, 1)
        plan_layout.addWidget(self.plan_assessment)

        self.back_button = QPushButton(_("Back"))
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(lambda: self.go_to(self._step_index() - 1))
        self.next_button = QPushButton()
        self.next_button.setObjectName("next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.complete_current)
        self.withdraw_button = QPushButton(_("Migrant withdraws…"))
        self.withdraw_button.setObjectName("withdraw")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("print")
        self.print_button.clicked.connect(self.open_print)
        self.saved = QLabel()
        self.saved.setObjectName("savedIndicator")
        self.locked_note = QLabel()
        self.locked_note.setObjectName("lockedNote")
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet(
            "background: #e8eaf6; color: #1a237e; padding: 6px; border-radius: 3px;"
        )
        self.decision = DecisionSummaryLabel()  # HQ's decision, with the approved amounts
        self.decision.setStyleSheet(
            "background: #e8f5e9; color: #1b5e20; padding: 6px; border-radius: 3px;"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.withdraw_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.saved)
        buttons.addSpacing(12)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.locked_note)
        right_layout.addWidget(self.decision)
        right_layout.addWidget(self.stack, 1)
        right_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.steps)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save_now)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.complete_current)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.open_print)

        self._build_pages()
        self._refresh()
        self.go_to(STEPS.index(self.state.next_step))
        self.resize(1300, 860)
        AfterFirstPaint(self, self._begin_sitting)

    def _begin_sitting(self) -> None:
        """Record that the counsellor sat down with the migrant: a write the window's first
        paint need not wait for."""
        if self.sitting is None:
            self.sitting = self.counselling.begin_session(
                self.case_number, self.counsellor_language
            )

    def retranslate(self) -> None:
        """The interface language changed: the counsellor's column follows it."""
        if not self.save_now():
            return  # rebuilding the pages now would drop what could not be saved
        self.counsellor_language = active_language()
        self.language_label.setText(_("Migrant's language"))
        self.back_button.setText(_("Back"))
        self.withdraw_button.setText(_("Migrant withdraws…"))
        self.print_button.setText(_("Print…"))
        self._build_pages()
        self._refresh()
        self._step_chosen(self._step_index())

    # pages
    def _languages(self) -> Languages:
        return Languages(self.counsellor_language, self.state.case.session_language)

    def _build_pages(self) -> None:
        """Lay out the steps; a form page is built when its step is first shown (opening a
        case builds one page, not three)."""
        current = self._step_index() if self.stack.count() else 0
        old_plan = self.pages.get("plan")
        if old_plan is not None:  # it lives in the plan holder, not directly in the stack
            self.plan_slot.removeWidget(old_plan)
            old_plan.hide()
            old_plan.deleteLater()
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            if widget is not self.plan_holder and widget is not self.review:
                widget.deleteLater()
        self.pages.clear()
        for form_id in FORM_STEPS:
            self.stack.addWidget(self.plan_holder if form_id == "plan" else QWidget())
        self.stack.addWidget(self.review)
        self.stack.setCurrentIndex(current)  # its page is built when the step is shown

    def _page(self, step: str) -> FormPage | None:
        """The form page of ``step``, built now if this is its first showing."""
        if step not in FORM_STEPS:
            return None
        if (page := dict.get(self.pages, step)) is not None:
            return page
        page = FormPage(self.counselling.form(self.state, step), self._languages())
        response = self.state.responses.get(step)
        page.set_answers(response.answers if response else {})
        page.changed.connect(lambda form_id=step: self._edited(form_id))
        page.setEnabled(self.state.editable)
        self.pages[step] = page
        index = STEPS.index(step)
        if step == "plan":
            self.plan_slot.addWidget(page)
        else:
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return page

    def _step_index(self) -> int:
        return max(self.steps.currentRow(), 0)

    def current_step(self) -> str:
        return STEPS[self._step_index()]

    def go_to(self, index: int) -> None:
        index = min(max(index, 0), len(STEPS) - 1)
        self.steps.setCurrentRow(index)

    def _step_chosen(self, index: int) -> None:
        if index < 0:
            return
        self.save_now()
        step = STEPS[index]
        self._page(step)
        self.stack.setCurrentIndex(index)
        self.back_button.setEnabled(index > 0)
        if step == "review":
            self.next_button.setText(_("Close session"))
            self._refresh_review()
        else:
            self.next_button.setText(_("Complete this step"))
            page = self.pages[step]  # built by _page above
            if self.state.editable:
                page.fill_defaults()
            page.setFocus()
        self.next_button.setEnabled(step == "review" or self.state.editable)

    # saving
    def _edited(self, form_id: str) -> None:
        self._dirty.add(form_id)
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        self.saved.setText(_("Saving…"))
        if now - self._dirty_since >= MAX_UNSAVED_S:
            self.save_now()
        else:
            self._timer.start()

    def _focus_moved(self, old: QWidget | None, _new: QWidget | None) -> None:
        """Leaving a field saves it (the counsellor's attention has moved on)."""
        if self._dirty and not self._saving and old is not None and self.isAncestorOf(old):
            self.save_now()

    def save_now(self) -> bool:
        """Write every changed form now; False if the store refused (the text stays on screen)."""
        self._timer.stop()
        self._dirty_since = None
        self._saving = True
        try:
            return self._save_dirty()
        finally:
            self._saving = False

    def _save_dirty(self) -> bool:
        if not self._dirty:
            return True  # nothing written, so nothing to read back
        try:
            for form_id in sorted(self._dirty):
                self.counselling.save_answers(
                    self.case_number, form_id, self.pages[form_id].answers()
                )
                self._dirty.discard(form_id)
        except (HomewardError, SQLAlchemyError) as error:
            # The store refused (or is locked by another program): the text stays on screen
            # and the next pause in typing tries again.
            log.warning("answers of %s not saved: %s", self.case_number, type(error).__name__)
            self.saved.setText(_("Not saved"))
            if not self._failing:  # said once; the indicator says it until a save succeeds
                self._failing = True
                show_error(self, error)
            return False
        self._failing = False
        if self.saved.text() == _("Saving…"):
            self.saved.setText(_("All changes saved"))
        self._reload_state()
        return True

    def _reload_state(self) -> None:
        self.state = self.counselling.state(self.case_number)
        self._refresh()

    def reload(self) -> None:
        """The case changed elsewhere (e.g. it moved on): show its status and lock or unlock."""
        self._reload_state()
        for page in self.pages.values():
            page.setEnabled(self.state.editable)
        self._step_chosen(self._step_index())

    # steps
    def complete_current(self) -> None:
        step = self.current_step()
        if step == "review":
            self.close()
            return
        if not self.save_now():
            return
        page = self._page(step)
        assert page is not None
        try:
            self.counselling.complete_step(self.case_number, step)
        except StepIncomplete as error:
            first = page.show_problems(dict(error.problems))
            self.saved.setText(translate_error(error))
            if first is not None:
                page.ensureWidgetVisible(first)
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except HomewardError as error:
            show_error(self, error)
            return
        page.show_problems({})
        self._reload_state()
        self.go_to(self._step_index() + 1)

    def open_print(self) -> PrintDialog | None:
        """Preview and print the case's forms (what is on screen is saved first)."""
        from app.services.printing import PrintForm
        from app.ui.print_dialog import PrintDialog  # the preview loads PDFium: on first use

        if not self.save_now():
            return None
        form = PrintForm.CONSENT if self.current_step() == "consent" else PrintForm.REQUEST
        dialog = PrintDialog(
            self.printing_service(),
            self.case_number,
            self.state.case.session_language,
            self,
            form,
        )
        dialog.show()
        return dialog

    def printing_service(self) -> Printing:
        from app.services.printing import Printing

        return Printing(self.counselling.workspace, self.counselling)

    def withdraw(self) -> None:
        reason, accepted = QInputDialog.getMultiLineText(
            self,
            _("Migrant withdraws"),
            _("The migrant no longer wants assisted return. Reason (optional):"),
        )
        if not accepted:
            return
        self.save_now()
        try:
            self.counselling.change_status(self.case_number, CaseStatus.WITHDRAWN, reason)
        except HomewardError as error:
            show_error(self, error)
            return
        self._reload_state()
        for page in self.pages.values():
            page.setEnabled(False)
        self.go_to(STEPS.index("review"))

    def _language_chosen(self) -> None:
        code = self.migrant_language.code()
        if not code or code == self.state.case.session_language:
            return
        if not self.save_now():
            return
        self.counselling.set_session_language(self.case_number, code)
        self._reload_state()
        self._build_pages()
        self._step_chosen(self._step_index())

    # display
    def _refresh(self) -> None:
        case = self.state.case
        name = " ".join(part for part in (case.given_name, case.family_name.upper()) if part)
        self.title.setText(f"{case.case_number} — {name}")
        self.setWindowTitle(f"{case.case_number} — {name} — Homeward")
        self.status.setText(_(STATUS_LABELS[case.status]))
        self.locked_note.setVisible(not self.state.editable)
        self.locked_note.setText(locked_reason(case.status))
        self.decision.show_decision(
            latest_decision(self.counselling.workspace, case.case_number), with_amounts=True
        )
        for row, step in enumerate(STEPS):
            done = step in FORM_STEPS and self.state.completed(step)
            item = self.steps.item(row)
            item.setText(("✓ " if done else "") + _(STEP_LABELS[step]))
        self.withdraw_button.setEnabled(case.status not in (
            CaseStatus.WITHDRAWN, CaseStatus.CLOSED, CaseStatus.IN_IMPLEMENTATION
        ))  # fmt: skip
        self._assessment = self.counselling.assessment(self.state)  # of this state
        self.plan_assessment.show_assessment(self._assessment)
        if self.current_step() == "review":
            self._refresh_review()

    def _refresh_review(self) -> None:
        forms = []
        for form_id in FORM_STEPS:
            response = self.state.responses.get(form_id)
            forms.append((
                self.counselling.form(self.state, form_id),
                response.answers if response else {},
                self.state.completed(form_id),
            ))  # fmt: skip
        status = _(STATUS_LABELS[self.state.case.status])
        if self.state.case.status is CaseStatus.READY:
            header = _("The plan is complete and ready to print and submit.")
        else:
            header = _("Status: {status}").format(status=status)
        self.review.show_review(header, forms, self._assessment, self.state.case.session_language)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.save_now() and not self._discard_confirmed():
            event.ignore()  # what was typed is only on screen: keep the window open
            return
        try:
            self._begin_sitting()  # closed before it was recorded: a sitting all the same
            assert self.sitting is not None
            self.counselling.end_session(self.sitting)
        except (HomewardError, SQLAlchemyError):
            log.warning("the end of the session could not be recorded", exc_info=True)
        finally:
            self.closed.emit(self.case_number)
        super().closeEvent(event)

    def _discard_confirmed(self) -> bool:
        answer = QMessageBox.question(
            self,
            _("Homeward"),
            _("The last changes could not be saved. Close and lose them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


class _Pages(dict[str, FormPage]):
    """The form pages built so far; asking for one not built yet builds it."""

    def __init__(self, build: Callable[[str], FormPage | None]) -> None:
        super().__init__()
        # A weak reference: the window holds its pages, and must not be held by them.
        self._build = weakref.WeakMethod(build)

    def __missing__(self, step: str) -> FormPage:
        build = self._build()
        page = build(step) if build is not None else None
        if page is None:
            raise KeyError(step)
        return page
