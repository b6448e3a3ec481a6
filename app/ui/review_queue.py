"""Headquarters' review queue: the submitted plans, the one waiting longest first, with what
a reviewer compares at a glance (priority, the three criteria, the budget asked); the plan
selected is shown beside, with its items and the counsellor's reasons. "Approve or
reject…" opens the decision form of "Move case on…"; a decided plan leaves the queue."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from app.domain.accounts import Permission, may
from app.domain.errors import N_, HomewardError
from app.domain.plan import PRIORITY_LABELS
from app.i18n import fill, ngettext
from app.i18n import gettext as _
from app.services.review import PlanReview, QueuedPlan, plan_review, review_queue
from app.services.workspace import Workspace
from app.ui.case_progress_dialog import MoveCaseDialog, eur_text
from app.ui.formatting import date_text
from app.ui.keys_dialog import MessageLine, problem_text
from app.ui.session.review import _COLOURS, money_text, reason_text

REVIEWERS_ONLY = N_("Only a supervisor or an administrator can decide on a plan.")
_CRITERIA_COLUMNS = ("feasibility", "urgency", "motivation")


def returnee_name(plan: QueuedPlan) -> str:
    return " ".join(part for part in (plan.given_name, plan.family_name.upper()) if part)


def requested_text(plan: QueuedPlan) -> str:
    if plan.requested_eur is not None:
        return eur_text(plan.requested_eur)
    return ", ".join(money_text(total, currency) for currency, total in plan.requested) or "—"


class ReviewQueue(QDialog):
    """The plans waiting for a decision. ``decided`` carries the case number of a plan just
    approved or rejected (the case list may want to read it again)."""

    decided = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewQueue")
        self.setWindowTitle(_("Plans to review"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.workspace = workspace
        self.plans: list[QueuedPlan] = []
        self.review: PlanReview | None = None
        self.move_dialog: MoveCaseDialog | None = None
        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        self.table = QTableWidget(0, 9)
        self.table.setObjectName("reviewTable")
        self.table.setHorizontalHeaderLabels(
            [_("Submitted"), _("Office"), _("Case number"), _("Returnee"), _("Priority"),
             _("Feasibility"), _("Urgency of need"), _("Motivation"), _("Requested")]
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.decide())
        self.detail = QTextBrowser()
        self.detail.setObjectName("planReview")
        self.detail.setOpenLinks(False)
        self.decide_button = QPushButton(_("Approve or reject…"))
        self.decide_button.setObjectName("decideButton")
        self.decide_button.clicked.connect(self.decide)
        self.may_decide = may(workspace.user.role, Permission.REVIEW_CASES)
        if not self.may_decide:
            self.decide_button.setToolTip(_(REVIEWERS_ONLY))
        self.message = MessageLine("reviewMessage")
        if not self.may_decide:
            self.message.say(_(REVIEWERS_ONLY))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        decide_row = QHBoxLayout()
        decide_row.addStretch(1)
        decide_row.addWidget(self.decide_button)
        right_layout.addLayout(decide_row)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([780, 460])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(1260, 660)
        self.refresh()

    # reading
    def refresh(self) -> None:
        """Read the queue again, keeping the selected plan selected if it is still there."""
        keep = self.selected()
        try:
            self.plans = list(review_queue(self.workspace))
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        count = len(self.plans)
        if count:
            text = ngettext(
                "{count} plan is waiting for a decision, the oldest first.",
                "{count} plans are waiting for a decision, the oldest first.",
                count,
            )
            self.summary.setText(fill(text, count=count))
        else:
            self.summary.setText(_("No plan is waiting for a decision."))
        self.table.clearSelection()
        self.table.setRowCount(count)
        for row, plan in enumerate(self.plans):
            self._show_row(row, plan)
        self.table.setVisible(bool(count))
        numbers = [plan.case_number for plan in self.plans]
        if keep is not None and keep.case_number in numbers:
            self.select(keep.case_number)
        else:
            self._selection_changed()

    def _show_row(self, row: int, plan: QueuedPlan) -> None:
        priority = _(PRIORITY_LABELS[plan.priority]) if plan.priority else _("not rated")
        ratings = [str(plan.ratings.get(criterion) or "—") for criterion in _CRITERIA_COLUMNS]
        cells = [
            date_text(plan.submitted_at.astimezone().date()),
            plan.office_code,
            plan.case_number,
            returnee_name(plan),
            priority,
            *ratings,
            requested_text(plan),
        ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if 5 <= column <= 7:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, column, item)
        if plan.priority is not None:
            self.table.item(row, 4).setForeground(QBrush(QColor(_COLOURS[plan.priority])))
        if plan.over_cap:
            cell = self.table.item(row, 8)
            cell.setForeground(QBrush(QColor("#c62828")))
            cell.setToolTip(_("above the budget cap"))

    def selected(self) -> QueuedPlan | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.plans):
            return None
        return self.plans[rows[0].row()]

    def select(self, case_number: str) -> None:
        """Select a plan through the selection model (selectRow misbehaves right to left)."""
        row = next(i for i, plan in enumerate(self.plans) if plan.case_number == case_number)
        model = self.table.selectionModel()
        model.select(
            self.table.model().index(row, 0),
            model.SelectionFlag.ClearAndSelect | model.SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(self.table.model().index(row, 0))

    def _selection_changed(self) -> None:
        plan = self.selected()
        self.decide_button.setEnabled(plan is not None and self.may_decide)
        if plan is None:
            self.review = None
            self.detail.setHtml(
                html.escape(_("Select a plan to read it here.")) if self.plans else ""
            )
            return
        try:
            self.review = plan_review(self.workspace, plan.case_number)
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        self.detail.setHtml(plan_html(self.review))

    # deciding
    def decide(self) -> MoveCaseDialog | None:
        """The decision form for the selected plan, opened (not waited for)."""
        plan = self.selected()
        if plan is None or not self.may_decide:
            return None
        try:
            dialog = MoveCaseDialog(self.workspace, plan.case_number, self)
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return None
        dialog.moved.connect(self._decided)
        self.move_dialog = dialog
        dialog.open()
        dialog.open_decision()
        return dialog

    def _decided(self, case_number: str) -> None:
        self.refresh()
        self.message.say(fill(_("Case {case}: decision recorded."), case=case_number))
        self.decided.emit(case_number)


def plan_html(review: PlanReview) -> str:
    """The plan as the reviewer reads it: priority, budget, items, criteria with reasons."""
    plan = review.plan
    e = html.escape
    parts = [f"<h3>{e(plan.case_number)} — {e(returnee_name(plan))}</h3>"]
    submitted = fill(
        _("From {office}, submitted on {date}."),
        office=plan.office_code,
        date=date_text(plan.submitted_at.astimezone().date()),
    )
    parts.append(f"<p>{e(submitted)}</p>")
    label, not_rated = _("Priority"), _("not rated")
    if plan.priority is None:
        parts.append(f"<p><b>{e(label)}:</b> {e(not_rated)}</p>")
    else:
        level = _(PRIORITY_LABELS[plan.priority])
        points = _("{score} points").format(score=plan.score)
        parts.append(
            f"<p><b>{e(label)}:</b> <span style='color:{_COLOURS[plan.priority]}; "
            f"font-weight:600'>{e(level)}</span> ({e(points)})</p>"
        )
    if review.priority_reasons:
        reasons = "".join(
            f"<li>{e(reason_text(r.template, r.params))} (+{r.points})</li>"
            for r in review.priority_reasons
        )
        parts.append(f"<ul style='margin-top:0'>{reasons}</ul>")
    budget = fill(
        _("Requested: {total} (cap {cap} per returnee)"),
        total=requested_text(plan),
        cap=eur_text(review.cap_eur),
    )
    style = " style='color:#c62828; font-weight:600'" if plan.over_cap else ""
    parts.append(f"<p{style}>{e(budget)}</p>")
    if review.budget_justification:
        label = _("Why the plan exceeds the budget cap")
        parts.append(f"<p><b>{e(label)}</b></p><p>{_lines(review.budget_justification)}</p>")
    heading = _("Assistance items")
    parts.append(f"<h4>{e(heading)}</h4>")
    if review.items:
        head = "".join(
            f"<th align='start'>{e(h)}</th>"
            for h in (_("Assistance item"), _("Supplier"), _("Requested"))
        )
        rows = []
        for item in review.items:
            kind = _(item.type_label) if item.type_label else ""
            what = f"<p><b>{item.number}. {e(kind)}</b></p><p>{_lines(item.description)}</p>"
            cost = money_text(item.requested, item.currency) if item.requested is not None else "—"
            rows.append(
                f"<tr><td>{what}</td><td>{e(item.supplier or '—')}</td><td>{e(cost)}</td></tr>"
            )
        parts.append(
            f"<table cellspacing='0' cellpadding='4' border='1' width='100%'>"
            f"<tr>{head}</tr>{''.join(rows)}</table>"
        )
    else:
        nothing = _("The plan has no assistance items.")
        parts.append(f"<p>{e(nothing)}</p>")
    if review.objectives:
        label = _("Objectives")
        parts.append(f"<h4>{e(label)}</h4><p>{_lines(review.objectives)}</p>")
    heading = _("The counsellor's assessment")
    parts.append(f"<h4>{e(heading)}</h4>")
    for criterion in review.criteria:
        name = _(criterion.label)
        if criterion.rating is None:
            rated = not_rated
        else:
            rated = _("{rating} of 5").format(rating=criterion.rating)
        reasons = _lines(criterion.reasons) if criterion.reasons else "—"
        parts.append(f"<p><b>{e(name)}: {e(rated)}</b></p><p>{reasons}</p>")
    if review.comments:
        label = _("Other comments by the counsellor")
        parts.append(f"<p><b>{e(label)}</b></p><p>{_lines(review.comments)}</p>")
    return "".join(parts)


def _lines(text: str) -> str:
    """Free text as typed; each line its own paragraph, so each takes its own direction."""
    return "</p><p>".join(html.escape(line) for line in text.splitlines())
