"""Built-in help: the guide in the interface language and direction, the shortcuts table."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.ui.help_dialog import HelpDialog, shortcut_rows
from app.ui.language import apply_language


@pytest.fixture
def actions(qapp):
    new_case = QAction("&New case…")
    new_case.setShortcut(QKeySequence.StandardKey.New)
    session = QAction("Counselling &session")
    session.setShortcut(QKeySequence("Ctrl+O"))
    budget = QAction("&Budget and exchange rates…")  # no shortcut: not listed
    ampersand = QAction("Save && close")
    ampersand.setShortcut(QKeySequence("Ctrl+Shift+S"))
    return [new_case, session, budget, ampersand]


def open_help(qtbot, rows):
    dialog = HelpDialog(rows)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_shortcut_rows_come_from_the_actions(actions):
    assert shortcut_rows(actions) == [
        ("New case…", "Ctrl+N"),
        ("Counselling session", "Ctrl+O"),
        ("Save & close", "Ctrl+Shift+S"),
    ]


def test_guide_and_shortcuts_in_english(qtbot, actions):
    dialog = open_help(qtbot, shortcut_rows(actions))
    assert dialog.windowTitle() == "Homeward help"
    assert dialog.tabs.currentWidget() is dialog.guide
    text = dialog.guide.toPlainText()
    for expected in (
        "How to use Homeward",
        "Opening a case",
        "Two languages side by side",
        "consent, part 1 (profile intake), part 2 (reintegration plan) and the review",
        "There is no Save button",
        "a year alone",
        "budget cap",
        "vulnerable situations",
        "Save as PDF",
        "QR code",
        "submitted to headquarters",
        "The history of a case",
        "Sign out",
    ):
        assert expected in text, expected
    assert "<" not in text and "&amp;" not in text  # escaped text, not markup shown as text

    tab_bar = dialog.tabs.tabBar()
    assert tab_bar.tabText(1) == "Keyboard shortcuts"
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(1).center())
    assert dialog.tabs.currentWidget() is dialog.shortcuts
    table = dialog.shortcuts
    shown = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert ("New case…", "Ctrl+N") in shown and len(shown) == 3
    assert table.horizontalHeaderItem(1).text() == "Shortcut"

    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dialog.isVisible()


@pytest.fixture
def arabic(qapp):
    apply_language(qapp, "ar")
    yield
    apply_language(qapp, "en")


def test_guide_is_right_to_left_in_arabic(qtbot, actions, arabic):
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    dialog = open_help(qtbot, shortcut_rows(actions))
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert dialog.guide.layoutDirection() == Qt.LayoutDirection.RightToLeft
    document = dialog.guide.document()
    assert document.defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft
    block = document.begin()
    count = 0
    while block.isValid():
        if block.text():
            assert block.layout().textOption().textDirection() == (
                Qt.LayoutDirection.RightToLeft
            ), block.text()
            count += 1
        block = block.next()
    assert count >= 12  # the title, the section titles and their paragraphs
    # A short line (the title) stands against the right edge, translated or not yet.
    title = document.begin()
    assert title.text()
    line = title.layout().lineAt(0).naturalTextRect()
    assert line.left() > document.textWidth() / 2


def test_qt_texts_survive_a_language_switch(qtbot, qapp, actions):
    """Homeward's translator for Qt's own strings must not blank what it does not translate."""
    for code in ("vi", "en"):
        apply_language(qapp, code)
        dialog = open_help(qtbot, shortcut_rows(actions))
        assert dialog.shortcuts.item(0, 1).text() == "Ctrl+N"
        close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close).text()
        assert close == {"vi": "Đóng", "en": "Close"}[code]
