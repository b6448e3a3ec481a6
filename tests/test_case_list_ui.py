"""The case list in the main window, through its widgets: it has every matching row from the
start and reads only the pages it shows, however far down they are."""

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt

from app.services.cases import CaseQuery, SortKey
from app.ui import case_table_model
from app.ui.application import ui_settings
from app.ui.case_table_model import COLUMNS, ROW_ROLE, column_of
from app.ui.main_window import MainWindow
from test_case_list import fully_sorted, insert_cases, measured

CASES = 500
PAGE = 20  # 25 pages: small pages make "every page before it" visible with few cases


@pytest.fixture
def window(qtbot, workspace, installed, monkeypatch):
    monkeypatch.setattr(case_table_model, "PAGE_SIZE", PAGE)
    insert_cases(workspace, CASES, seed=8)
    main = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(main)
    main.resize(1000, 600)
    main.show()
    qtbot.waitExposed(main)
    return main


def page_reads(found):
    """Statements that read rows of the list (each page or jump selects the sort keys)."""
    return [statement for statement, _values in found["statements"] if "keyset_0" in statement]


def shown_numbers(window):
    """Case numbers in the rows the table shows now, top to bottom."""
    table = window.table
    table.viewport().repaint()
    top = table.rowAt(0)
    bottom = table.rowAt(table.viewport().height() - 1)
    bottom = window.model.rowCount() - 1 if bottom < 0 else bottom
    return [table.model().index(row, 0).data() for row in range(top, bottom + 1)]


def selected_number(window):
    rows = window.table.selectionModel().selectedRows()
    return rows[0].data(ROW_ROLE).case_number if rows else None


def click_header(qtbot, window, key):
    header = window.table.horizontalHeader()
    section = column_of(key)
    point = QPoint(header.sectionViewportPosition(section) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert header.sortIndicatorSection() == section
    return header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_the_list_has_every_case_and_reads_one_page_to_start(qtbot, workspace, window):
    assert window.model.rowCount() == window.model.total == CASES
    assert window.count_label.text() == f"{CASES} cases"
    expected = fully_sorted(workspace, CaseQuery())  # last change first
    shown = shown_numbers(window)
    assert shown and shown == expected[: len(shown)]
    assert len(window.model._pages) == 1


@pytest.mark.parametrize("key", [SortKey.NAME, SortKey.BIRTH, SortKey.STATUS])
def test_clicking_a_header_sorts_the_whole_list_both_ways(qtbot, workspace, window, key):
    for _click in range(2):
        descending = click_header(qtbot, window, key)
        expected = fully_sorted(workspace, CaseQuery(sort=key, descending=descending))
        window.table.scrollToTop()  # a sort keeps the view where it was
        shown = shown_numbers(window)
        assert shown == expected[: len(shown)]
        window.table.scrollToBottom()
        shown = shown_numbers(window)
        assert shown == expected[-len(shown) :]
    name_column = column_of(SortKey.NAME)
    assert COLUMNS[name_column][0] is SortKey.NAME


def test_typing_in_search_narrows_the_list(qtbot, workspace, window):
    qtbot.keyClicks(window.search, "beri")
    qtbot.waitUntil(lambda: window.model.query.text == "beri")
    expected = fully_sorted(workspace, CaseQuery(text="beri"))
    assert 0 < len(expected) < CASES
    assert window.model.rowCount() == len(expected)
    assert window.count_label.text() == f"{len(expected)} cases"
    assert shown_numbers(window) == expected[: len(shown_numbers(window))]
    assert all("BERIDZE" in window.model.index(r, 1).data() for r in range(len(expected)))
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == CASES)


def test_scrolling_to_the_end_reads_only_the_last_page(qtbot, workspace, window):
    expected = fully_sorted(workspace, CaseQuery())
    scroll_bar = window.table.verticalScrollBar()
    with measured(workspace) as found:
        scroll_bar.setValue(scroll_bar.maximum())  # the thumb dragged to the bottom
        shown = shown_numbers(window)
    assert shown == expected[-len(shown) :]
    assert len(page_reads(found)) == 1

    window.table.setFocus()
    window.table.selectionModel().setCurrentIndex(
        window.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    with measured(workspace) as found:
        qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert selected_number(window) == expected[-1]
        assert window.detail.title.text().startswith(expected[-1])
    assert len(page_reads(found)) <= 1  # the last page is still in memory


def test_closing_a_session_reselects_a_deep_case_reading_a_page_or_two(qtbot, workspace, window):
    expected = fully_sorted(workspace, CaseQuery())
    deep = expected[CASES - 37]  # page 24 of 25
    assert window.select_case(deep)
    assert selected_number(window) == deep
    window.session_action.trigger()  # Ctrl+O
    session = window.sessions[deep]
    qtbot.waitExposed(session)
    window.table.scrollToTop()
    with measured(workspace) as found:
        with qtbot.waitSignal(session.closed):
            session.close()
        assert selected_number(window) == deep
    # counted once, the case found by one count along the index, its page read: not the
    # 23 pages before it
    assert window.model.rowCount() == CASES
    assert len(page_reads(found)) <= 4, page_reads(found)
    assert deep in shown_numbers(window)
    assert window.detail.title.text().startswith(deep)


def test_a_case_the_search_leaves_out_is_not_selected(qtbot, workspace, window):
    qtbot.keyClicks(window.search, "beri")
    qtbot.waitUntil(lambda: window.model.query.text == "beri")
    outside = next(
        number
        for number in fully_sorted(workspace, CaseQuery())
        if number not in fully_sorted(workspace, CaseQuery(text="beri"))
    )
    assert not window.select_case(outside)
    inside = fully_sorted(workspace, CaseQuery(text="beri"))[-1]
    assert window.select_case(inside) and selected_number(window) == inside
