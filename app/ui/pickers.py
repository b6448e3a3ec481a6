"""Combo boxes for countries, languages and enumerations, labelled in the interface language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.i18n import active_language
from app.i18n import gettext as _
from app.i18n.languages import LANGUAGES, country_codes, country_name
from app.ui.input_guard import ComboBox

E = TypeVar("E", bound=Enum)


class CodeCombo(ComboBox):
    """A combo of (label, code) entries; typing filters by any part of the label."""

    def __init__(self, entries: Iterable[tuple[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for label, code in entries:
            self.addItem(label, code)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCurrentIndex(-1)

    def code(self) -> Any:
        """The chosen code, or None if the text matches no entry."""
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        return self.itemData(index) if index >= 0 else None

    def set_code(self, code: Any) -> None:
        self.setCurrentIndex(self.findData(code))


def country_combo(parent: QWidget | None = None) -> CodeCombo:
    lang = active_language()
    entries = sorted(((country_name(c, lang), c) for c in country_codes()), key=lambda e: e[0])
    return CodeCombo(entries, parent)


def language_combo(parent: QWidget | None = None, *, forms_only: bool = True) -> CodeCombo:
    entries = [
        (f"{lang.native_name} — {lang.code}", lang.code)
        for lang in LANGUAGES
        if lang.forms or not forms_only
    ]
    return CodeCombo(entries, parent)


class EnumCombo(ComboBox):
    """A combo over an enumeration, labelled with each member's translated label.

    Qt turns a str-based enum stored as item data into a plain str, so the member is looked
    up again from the stored value.
    """

    def __init__(
        self, labels: Mapping[E, str], parent: QWidget | None = None, *, default_first: bool = True
    ) -> None:
        super().__init__(parent)
        self._members = {member.value: member for member in labels}
        for member, label in labels.items():
            self.addItem(_(label), member.value)
        if not default_first:
            self.setCurrentIndex(-1)

    def value(self) -> Any:
        return self._members.get(self.currentData())

    def set_value(self, member: Enum) -> None:
        self.setCurrentIndex(self.findData(member.value))
