"""One editor widget per field type. Each gives and takes the stored JSON form of its answer
and says when it changed; none of them knows about the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import PartialDate
from app.domain.money import CURRENCIES
from app.formdefs import FieldDef, FieldType
from app.i18n import N_, active_language
from app.i18n import gettext as _
from app.i18n.numbers import parse_number
from app.services.answers import NO, YES
from app.ui.date_edit import DateField
from app.ui.input_guard import ComboBox

Translate = Any  # (message id) -> text in one language
UNREADABLE = N_("This is not a number Homeward can read, so it is not saved yet.")


def both(counsellor: Translate, migrant: Translate, message: str) -> str:
    """A short label in both languages, once if they are the same."""
    first, second = counsellor(message), migrant(message)
    return first if first == second else f"{first} · {second}"


class Editor(QWidget):
    """Base: ``value()`` is the stored JSON answer (None when unanswered)."""

    changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self

    def apply_default(self) -> bool:
        """Fill an unanswered question with the definition's default; True if filled."""
        return False

    # Free text the migrant reads has versions in other languages beside the answer.
    migrant_box: QWidget | None = None  # put in the migrant's column by the page

    def versions(self) -> dict[str, str]:
        """The answer's versions by language code (stored as ``<field>@<code>``)."""
        return {}

    def set_versions(self, versions: Mapping[str, str]) -> None:
        """Show the stored versions (all languages; the others are kept as they are)."""

    def set_row_visible(self, visible: bool) -> None:
        """The question was shown or hidden (relevance): the migrant box follows."""


def _single(layout_parent: QWidget, widget: QWidget) -> None:
    layout = QHBoxLayout(layout_parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)


class TextEditor(Editor):
    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        if field.max_length:
            self.line.setMaxLength(field.max_length)
        self.line.textChanged.connect(self.changed)
        self.line.returnPressed.connect(lambda: self.line.focusNextChild())
        _single(self, self.line)
        self.setFocusProxy(self.line)

    def value(self) -> Any:
        return self.line.text() or None

    def set_value(self, value: Any) -> None:
        self.line.setText(str(value) if value is not None else "")


class _PlainText(QPlainTextEdit):
    """Tab moves on to the next field instead of typing a tab."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Tab and not event.modifiers():
            self.focusNextChild()
            return
        if event.key() == Qt.Key.Key_Backtab:
            self.focusPreviousChild()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True)
class MigrantVersion:
    """Where a bilingual long text's version in the migrant's language goes."""

    language: str  # the code it is stored under
    caption: str  # "In Русский (typed by the interpreter)", in the counsellor's language
    right_to_left: bool
    separate: bool  # False: the counsellor writes in the migrant's language, one box is enough


class LongTextEditor(Editor):
    """Several lines; a bilingual field also has a box for the version in the migrant's
    language (``migrant_box``, put in the migrant's column by the page)."""

    def __init__(
        self, field: FieldDef, parent: QWidget | None = None, version: MigrantVersion | None = None
    ) -> None:
        super().__init__(parent)
        self.text = _PlainText()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 4 + 14)
        self.text.textChanged.connect(self.changed)
        _single(self, self.text)
        self.setFocusProxy(self.text)
        self.version = version if field.bilingual else None
        self.theirs: QPlainTextEdit | None = None
        self.migrant_box: QWidget | None = None
        self._other_languages: dict[str, str] = {}  # versions kept as they were
        self._box_wanted = self.version is not None and self.version.separate
        self._row_visible = True
        if self.version is not None:
            self._build_migrant_box(field, self.version)

    def _build_migrant_box(self, field: FieldDef, version: MigrantVersion) -> None:
        self.theirs = theirs = _PlainText()
        theirs.setObjectName(f"migrantVersion_{field.id}")
        theirs.setTabChangesFocus(True)
        theirs.setFixedHeight(self.text.maximumHeight())
        direction = (
            Qt.LayoutDirection.RightToLeft if version.right_to_left
            else Qt.LayoutDirection.LeftToRight
        )  # fmt: skip
        theirs.setLayoutDirection(direction)
        option = theirs.document().defaultTextOption()
        option.setTextDirection(direction)
        option.setAlignment(
            Qt.AlignmentFlag.AlignRight if version.right_to_left else Qt.AlignmentFlag.AlignLeft
        )
        theirs.document().setDefaultTextOption(option)
        theirs.textChanged.connect(self.changed)  # saved with the answer, same debounce
        caption = QLabel(version.caption)
        caption.setObjectName(f"migrantVersionCaption_{field.id}")
        caption.setWordWrap(True)
        caption.setStyleSheet("font-size: 9pt; font-weight: 600;")
        caption.setBuddy(theirs)
        self.migrant_box = QWidget()
        layout = QVBoxLayout(self.migrant_box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(caption)
        layout.addWidget(theirs)
        self.migrant_box.setVisible(self._box_wanted)

    def value(self) -> Any:
        return self.text.toPlainText() or None

    def set_value(self, value: Any) -> None:
        self.text.setPlainText(str(value) if value is not None else "")

    def versions(self) -> dict[str, str]:
        if self.version is None:
            return {}
        kept = dict(self._other_languages)
        mine = (self.theirs.toPlainText() if self._box_wanted and self.theirs
                else self.text.toPlainText())  # fmt: skip
        if mine.strip():
            kept[self.version.language] = mine
        return kept

    def set_versions(self, versions: Mapping[str, str]) -> None:
        if self.version is None or self.theirs is None:
            return
        language = self.version.language
        self._other_languages = {k: v for k, v in versions.items() if k != language}
        mine = versions.get(language, "")
        if not self.version.separate:
            # One language for both: the counsellor's text is the version, unless the
            # interpreter wrote another one earlier; that one is shown, not overwritten.
            self._box_wanted = bool(mine) and mine != (self.value() or "")
        self.theirs.setPlainText(mine)
        self._show_box()

    def set_row_visible(self, visible: bool) -> None:
        self._row_visible = visible
        self._show_box()

    def _show_box(self) -> None:
        if self.migrant_box is not None:
            self.migrant_box.setVisible(self._row_visible and self._box_wanted)


def _mark_unreadable(line: QLineEdit, unreadable: bool) -> None:
    """A number that cannot be read stays on screen, outlined, instead of being dropped."""
    line.setStyleSheet("border: 2px solid #c62828;" if unreadable else "")
    line.setToolTip(_(UNREADABLE) if unreadable else "")


class IntegerEditor(Editor):
    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setMaximumWidth(140)
        self.line.textChanged.connect(self._typed)
        self.line.returnPressed.connect(lambda: self.line.focusNextChild())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addStretch(1)
        self.setFocusProxy(self.line)

    def _number(self) -> Decimal | None:
        number = parse_number(self.line.text(), active_language())
        return number if number is not None and number == number.to_integral_value() else None

    def _typed(self) -> None:
        _mark_unreadable(self.line, bool(self.line.text().strip()) and self._number() is None)
        self.changed.emit()

    def value(self) -> Any:
        number = self._number()
        return int(number) if number is not None else None

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))


class MoneyEditor(Editor):
    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.amount.setMaximumWidth(160)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.currency = ComboBox()
        self.currency.setObjectName("currency")
        self.currency.addItems(CURRENCIES)
        self.currency.setCurrentText(field.default_currency or "EUR")
        self.amount.textChanged.connect(self._typed)
        self.currency.currentIndexChanged.connect(self.changed)
        self.amount.returnPressed.connect(lambda: self.amount.focusNextChild())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.amount)
        layout.addWidget(self.currency)
        layout.addStretch(1)
        self.setFocusProxy(self.amount)

    def _typed(self) -> None:
        unreadable = bool(self.amount.text().strip()) and self._amount() is None
        _mark_unreadable(self.amount, unreadable)
        self.changed.emit()

    def _amount(self) -> Decimal | None:
        return parse_number(self.amount.text(), active_language())

    def value(self) -> Any:
        amount = self._amount()
        if amount is None:
            return None
        return {"amount": format(amount, "f"), "currency": self.currency.currentText()}

    def set_value(self, value: Any) -> None:
        if isinstance(value, dict):
            self.amount.setText(str(value.get("amount", "")))
            currency = str(value.get("currency", ""))
            if currency and self.currency.findText(currency) < 0:
                self.currency.addItem(currency)
            if currency:
                self.currency.setCurrentText(currency)
        else:
            self.amount.clear()


class DateEditor(Editor):
    """A typed date (a year or month alone where the field is ``partial``), stored as ISO."""

    def __init__(self, field: FieldDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.default_today = field.default == "today"
        self.date = DateField(partial=field.partial)
        self.date.changed.connect(self.changed)
        _single(self, self.date)
        self.setFocusProxy(self.date)

    def value(self) -> Any:
        chosen = self.date.value()
        return chosen.isoformat() if chosen else None

    def set_value(self, value: Any) -> None:
        try:
            self.date.set_value(PartialDate.parse_iso(value) if value else None)
        except (TypeError, ValueError):
            self.date.set_text(str(value))  # not a date: shown, outlined, not saved as one

    def apply_default(self) -> bool:
        if not self.default_today or not self.date.is_empty:
            return False
        self.date.set_today_default()
        return True


class ChoiceEditor(Editor):
    def __init__(
        self, field: FieldDef, counsellor: Translate, migrant: Translate, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.combo = ComboBox()
        # Long bilingual choices must not make the page wider than the window.
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(24)
        self.combo.addItem("—", None)
        for choice in field.choices:
            self.combo.addItem(both(counsellor, migrant, choice.label), choice.value)
        self.combo.currentIndexChanged.connect(self.changed)
        _single(self, self.combo)
        self.setFocusProxy(self.combo)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))


class MultiChoiceEditor(Editor):
    """One check box per choice in the counsellor's language, its translation beside it."""

    def __init__(
        self,
        field: FieldDef,
        counsellor: Translate,
        migrant: Translate,
        rtl: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.boxes: dict[str, QCheckBox] = {}
        for row, choice in enumerate(field.choices):
            box = QCheckBox(counsellor(choice.label))
            box.toggled.connect(self.changed)
            grid.addWidget(box, row, 0)
            theirs = migrant(choice.label)
            if theirs != box.text():
                label = QLabel(theirs)
                label.setWordWrap(True)
                if rtl:
                    label.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
                    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                label.setBuddy(box)
                grid.addWidget(label, row, 1)
            self.boxes[choice.value] = box
        if self.boxes:
            self.setFocusProxy(next(iter(self.boxes.values())))

    def value(self) -> Any:
        return [value for value, box in self.boxes.items() if box.isChecked()] or None

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in chosen)
            box.blockSignals(False)
        self.changed.emit()


class YesNoEditor(Editor):
    def __init__(self, counsellor: Translate, migrant: Translate, parent: Any = None) -> None:
        super().__init__(parent)
        self.yes = QRadioButton(both(counsellor, migrant, YES))
        self.no = QRadioButton(both(counsellor, migrant, NO))
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        self.group.buttonToggled.connect(lambda *_: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.yes)
        layout.addWidget(self.no)
        layout.addStretch(1)
        self.setFocusProxy(self.yes)

    def value(self) -> Any:
        if self.yes.isChecked():
            return True
        if self.no.isChecked():
            return False
        return None

    def set_value(self, value: Any) -> None:
        self.group.setExclusive(False)
        self.yes.setChecked(value is True)
        self.no.setChecked(value is False)
        self.group.setExclusive(True)


def make_editor(
    field: FieldDef,
    counsellor: Translate,
    migrant: Translate,
    rtl: bool = False,
    version: MigrantVersion | None = None,
) -> Editor:
    """The editor for ``field`` (repeat groups are built by the form page).

    ``version`` says where a bilingual long text's version in the migrant's language goes.
    """
    match field.type:
        case FieldType.TEXT:
            return TextEditor(field)
        case FieldType.LONG_TEXT:
            return LongTextEditor(field, version=version)
        case FieldType.INTEGER:
            return IntegerEditor(field)
        case FieldType.MONEY:
            return MoneyEditor(field)
        case FieldType.DATE:
            return DateEditor(field)
        case FieldType.CHOICE:
            return ChoiceEditor(field, counsellor, migrant)
        case FieldType.MULTI_CHOICE:
            return MultiChoiceEditor(field, counsellor, migrant, rtl)
        case FieldType.YES_NO:
            return YesNoEditor(counsellor, migrant)
    raise ValueError(f"no editor for {field.type}")
