"""A form page generated from its definition: each question in the counsellor's language,
its editor, and the same question in the migrant's language (right to left where needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.formdefs import FieldDef, FieldType, FormDef, Problem
from app.formdefs.values import Answers, is_relevant, validate, visible_answers
from app.formdefs.versions import version_key, versions_of
from app.i18n import N_, fill, gettext
from app.i18n.languages import language
from app.ui.formatting import language_text
from app.ui.session.editors import Editor, MigrantVersion, both, make_editor

# Hints are read beside the question, often in Arabic script: dark enough to read (contrast
# above 7:1 on the window background), smaller than the question.
HINT_STYLE = "color: #4d4d4d; font-size: 9pt;"
PROBLEM_STYLE = "color: #c62828;"
REMOVE_ITEM = N_("Remove")
ADD_ITEM = N_("Add")
VERSION_CAPTION = N_("In {language} (typed by the interpreter)")


class Languages:
    """The two languages of the session and how to translate into each."""

    def __init__(self, counsellor: str, migrant: str) -> None:
        self.counsellor_code = counsellor
        self.migrant_code = migrant
        self.migrant_rtl = language(migrant).right_to_left

    def counsellor(self, message: str) -> str:
        return gettext(message, self.counsellor_code) if message else ""

    def migrant(self, message: str) -> str:
        return gettext(message, self.migrant_code) if message else ""

    def migrant_version(self) -> MigrantVersion:
        """Where bilingual free text gets its version in the migrant's language."""
        name = language_text(self.migrant_code)  # its own name, without loading CLDR data
        return MigrantVersion(
            language=self.migrant_code,
            caption=fill(self.counsellor(VERSION_CAPTION), language=name),
            right_to_left=self.migrant_rtl,
            separate=self.migrant_code != self.counsellor_code,
        )

    def editor(self, field: FieldDef) -> Editor:
        return make_editor(
            field, self.counsellor, self.migrant, self.migrant_rtl, self.migrant_version()
        )


def _label(text: str, *, hint: bool = False, rtl: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if hint:
        label.setStyleSheet(HINT_STYLE)
    if rtl:
        label.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    else:
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


class FieldRow:
    """The widgets of one question in a three-column grid; shown or hidden as a whole."""

    def __init__(
        self, grid: QGridLayout, row: int, field: FieldDef, editor: QWidget, langs: Languages
    ) -> None:
        self.field = field
        self.editor = editor
        star = " *" if field.required else ""
        self.own = _label(langs.counsellor(field.label) + star)
        self.own.setObjectName(f"label_{field.id}")
        self.theirs = _label(langs.migrant(field.label) + star, rtl=langs.migrant_rtl)
        self.theirs.setObjectName(f"migrantLabel_{field.id}")
        self.own.setBuddy(editor)
        self.widgets: list[QWidget] = [self.own, self.theirs]
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.own)
        right.addWidget(self.theirs)
        if field.hint:
            own_hint = _label(langs.counsellor(field.hint), hint=True)
            their_hint = _label(langs.migrant(field.hint), hint=True, rtl=langs.migrant_rtl)
            left.addWidget(own_hint)
            right.addWidget(their_hint)
            self.widgets += [own_hint, their_hint]
        if isinstance(editor, Editor) and editor.migrant_box is not None:
            # Free text the migrant reads: their version under their label. It is shown and
            # hidden by the editor (only where it is wanted), not with ``widgets``.
            right.addWidget(editor.migrant_box)
        self.problem = _label("")
        self.problem.setObjectName(f"problem_{field.id}")
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        middle = QVBoxLayout()
        middle.addWidget(editor)
        middle.addWidget(self.problem)
        for column in (left, middle, right):  # keep labels and hints at the top of the row
            column.addStretch(1)
        self.widgets.append(editor)
        wide = field.type is FieldType.REPEAT
        if wide:  # a repeat group takes the whole width under its two labels
            grid.addLayout(left, row, 0)
            grid.addLayout(right, row, 2)
            grid.addLayout(middle, row + 1, 0, 1, 3)
        else:
            grid.addLayout(left, row, 0)
            grid.addLayout(middle, row, 1)
            grid.addLayout(right, row, 2)
        self.rows_used = 2 if wide else 1
        self._visible = True
        theirs = getattr(editor, "theirs", None)
        if isinstance(theirs, QWidget):  # Tab goes from the counsellor's text to the version
            QWidget.setTabOrder(editor.focusProxy() or editor, theirs)

    def set_visible(self, visible: bool) -> None:
        if visible == self._visible:
            return
        self._visible = visible
        for widget in self.widgets:
            widget.setVisible(visible)
        if isinstance(self.editor, Editor):
            self.editor.set_row_visible(visible)
        self.problem.setVisible(visible and bool(self.problem.text()))

    @property
    def visible(self) -> bool:
        return self._visible

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text) and self._visible)


def _grid() -> QGridLayout:
    grid = QGridLayout()
    grid.setColumnStretch(0, 2)
    grid.setColumnStretch(1, 3)
    grid.setColumnStretch(2, 2)
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(10)
    return grid


class RepeatItem(QFrame):
    def __init__(self, group: FieldDef, langs: Languages, number: int, on_change: Any) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.group = group
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.remove_button = QPushButton(langs.counsellor(REMOVE_ITEM))
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.remove_button)
        layout.addLayout(header)
        grid = _grid()
        layout.addLayout(grid)
        self.rows: dict[str, FieldRow] = {}
        self.editors: dict[str, Editor] = {}
        row = 0
        for member in group.members:
            editor = langs.editor(member)
            editor.setObjectName(f"{group.id}_{member.id}")
            editor.changed.connect(on_change)
            self.editors[member.id] = editor
            self.rows[member.id] = field_row = FieldRow(grid, row, member, editor, langs)
            row += field_row.rows_used
        self.langs = langs
        self.renumber(number)

    def renumber(self, number: int) -> None:
        label = both(self.langs.counsellor, self.langs.migrant, self.group.item_label)
        self.title.setText(f"{label} {number}")

    def value(self) -> dict[str, Any]:
        return _collect(self.editors)

    def set_value(self, value: dict[str, Any]) -> None:
        for member_id, editor in self.editors.items():
            editor.blockSignals(True)
            editor.set_value(value.get(member_id))
            editor.set_versions(versions_of(value, member_id))
            editor.blockSignals(False)


def _collect(editors: dict[str, Editor]) -> dict[str, Any]:
    """The answers of some editors, each free text's versions beside it (``field@code``)."""
    values: dict[str, Any] = {}
    for field_id, editor in editors.items():
        value = editor.value()
        if value is not None:
            values[field_id] = value
        for code, text in editor.versions().items():
            values[version_key(field_id, code)] = text
    return values


class RepeatEditor(Editor):
    """Items of a repeat group, each with the group's member questions."""

    def __init__(self, group: FieldDef, langs: Languages) -> None:
        super().__init__()
        self.group = group
        self.langs = langs
        self.items: list[RepeatItem] = []
        self.list_layout = QVBoxLayout()
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(
            f"{langs.counsellor(ADD_ITEM)}: {langs.counsellor(group.item_label)}"
        )
        self.add_button.setObjectName(f"add_{group.id}")
        self.add_button.clicked.connect(self.add_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.list_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setFocusProxy(self.add_button)

    def add_item(self) -> RepeatItem:
        item = RepeatItem(self.group, self.langs, len(self.items) + 1, self.changed.emit)
        item.remove_button.clicked.connect(lambda: self.remove_item(item))
        self.items.append(item)
        self.list_layout.addWidget(item)
        self._limit()
        if self.sender() is self.add_button:
            for editor in item.editors.values():
                editor.apply_default()
            first = next(iter(item.editors.values()), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.changed.emit()
        return item

    def remove_item(self, item: RepeatItem) -> None:
        self.items.remove(item)
        item.hide()
        item.deleteLater()
        for number, remaining in enumerate(self.items, start=1):
            remaining.renumber(number)
        self._limit()
        self.changed.emit()

    def _limit(self) -> None:
        limit = self.group.max_items
        self.add_button.setEnabled(limit is None or len(self.items) < limit)

    def value(self) -> Any:
        return [item.value() for item in self.items] or None

    def set_value(self, value: Any) -> None:
        for item in list(self.items):
            item.hide()
            item.deleteLater()
        self.items.clear()
        for entry in value or []:
            self.add_item().set_value(entry if isinstance(entry, dict) else {})
        self._limit()


class FormPage(QScrollArea):
    """One form as a scrollable page. ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, form: FormDef, langs: Languages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.langs = langs
        self.setWidgetResizable(True)
        self.setObjectName(f"page_{form.id}")
        body = QWidget()
        layout = QVBoxLayout(body)
        self.rows: dict[str, FieldRow] = {}
        self.editors: dict[str, Editor] = {}
        self._loading = False
        for section in form.sections:
            title = langs.counsellor(section.title)
            their_title = langs.migrant(section.title)
            box = QGroupBox(title if title == their_title else f"{title} — {their_title}")
            box.setObjectName(f"section_{section.id}")
            grid = _grid()
            box.setLayout(grid)
            row = 0
            if section.hint:
                grid.addWidget(_label(langs.counsellor(section.hint), hint=True), row, 0, 1, 2)
                hint = _label(langs.migrant(section.hint), hint=True, rtl=langs.migrant_rtl)
                grid.addWidget(hint, row, 2)
                row += 1
            for field in section.fields:
                editor: Editor
                if field.type is FieldType.REPEAT:
                    editor = RepeatEditor(field, langs)
                else:
                    editor = langs.editor(field)
                editor.setObjectName(f"field_{field.id}")
                editor.changed.connect(self._edited)
                self.editors[field.id] = editor
                self.rows[field.id] = field_row = FieldRow(grid, row, field, editor, langs)
                row += field_row.rows_used
            layout.addWidget(box)
        layout.addStretch(1)
        self.setWidget(body)
        self.refresh_relevance()

    def _edited(self) -> None:
        if self._loading:
            return
        anchor = self._anchor()
        before = self._height_in_view(anchor)
        self.refresh_relevance()
        if anchor is not None and before is not None:
            self._keep_in_place(anchor, before)
        self._recheck_problems()
        self.changed.emit()

    # Questions that appear or go re-flow the page; the one being answered stays where it is
    # on screen, so the next click lands where the counsellor aims.
    def _anchor(self) -> QWidget | None:
        focused = QApplication.focusWidget()
        body = self.widget()
        if focused is not None and body.isAncestorOf(focused):
            return focused
        sender = self.sender()
        return sender if isinstance(sender, QWidget) and body.isAncestorOf(sender) else None

    def _height_in_view(self, widget: QWidget | None) -> int | None:
        if widget is None or not widget.isVisible():
            return None
        return widget.mapTo(self.viewport(), QPoint(0, 0)).y()

    def _keep_in_place(self, anchor: QWidget, before: int) -> None:
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        self.widget().layout().activate()
        after = self._height_in_view(anchor)
        if after is not None and after != before:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + after - before)

    def _recheck_problems(self) -> None:
        """A problem shown under a field goes as soon as the answer is right (or changes to
        the problem that is left); fields with no problem shown get none while typing."""
        shown = [(key, row) for key, row in self._problem_rows() if row.problem.text()]
        if not shown:
            return
        problems = validate(self.form, self.answers(), dt.date.today())
        for key, row in shown:
            problem = problems.get(key)
            row.show_problem(problem.format(self.langs.counsellor) if problem else "")

    def _problem_rows(self) -> Iterator[tuple[str, FieldRow]]:
        """Every question row with the key its problems have (``items[2].cost``)."""
        for field_id, row in self.rows.items():
            yield field_id, row
            editor = self.editors[field_id]
            if isinstance(editor, RepeatEditor):
                for number, item in enumerate(editor.items, start=1):
                    for member_id, member_row in item.rows.items():
                        yield f"{field_id}[{number}].{member_id}", member_row

    def answers(self) -> Answers:
        return _collect(self.editors)

    def set_answers(self, answers: Answers) -> None:
        self._loading = True
        try:
            for field_id, editor in self.editors.items():
                editor.set_value(answers.get(field_id))
                editor.set_versions(versions_of(answers, field_id))
        finally:
            self._loading = False
        self.refresh_relevance()

    def fill_defaults(self) -> bool:
        """Give shown, unanswered questions their default (a declaration dated today).

        Called when the page comes into view; the filled answers are saved like typed ones.
        """
        filled = False
        for field_id, editor in self.editors.items():
            if self.rows[field_id].visible and self.isEnabled():
                filled = editor.apply_default() or filled
        return filled

    def refresh_relevance(self) -> None:
        answers = visible_answers(self.form, self.answers())
        for field_id, row in self.rows.items():
            row.set_visible(is_relevant(self.form, row.field, answers))
            editor = self.editors[field_id]
            if isinstance(editor, RepeatEditor):
                for item in editor.items:
                    item_answers = item.value()
                    for member_row in item.rows.values():
                        member_row.set_visible(
                            is_relevant(
                                self.form, member_row.field, answers, item_answers, editor.group
                            )
                        )

    def show_problems(self, problems: dict[str, Problem]) -> QWidget | None:
        """Put each problem beside its field; return the first field's editor to focus."""
        first: QWidget | None = None
        translate: Callable[[str], str] = self.langs.counsellor
        for key, row in self._problem_rows():
            problem = problems.get(key)
            row.show_problem(problem.format(translate) if problem else "")
            if problem and first is None:
                first = row.editor
        return first
