"""When the store cannot take the answers, nothing typed is lost and the window stays."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services.cases import CaseRegister
from app.services.workspace import unlock
from app.store.engine import open_engine
from test_services import new_case
from test_session_ui import editor, open_window, stored

from tests_support import PASSWORD


def test_a_locked_store_keeps_the_text_and_the_window(qtbot, workspace, installed, monkeypatch):
    case_number = CaseRegister(workspace).open_case(new_case()).case_number
    monkeypatch.setattr("app.store.engine.BUSY_TIMEOUT_MS", 50)
    impatient = unlock(installed, "anna", PASSWORD)
    window = open_window(qtbot, impatient, case_number)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # inspected after close
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)
    # Another program holds the write lock longer than the busy timeout.
    blocker = open_engine(installed.database, workspace._store_key).raw_connection()
    blocker.driver_connection.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClicks(editor(window, "consent", "contact_after_return").text, "+995 555")
        assert window.save_now() is False
        assert window.saved.text() == "Not saved" and "busy" in warnings[-1]
        window.close()
        assert window.isVisible()  # the counsellor chose to keep editing
        assert editor(window, "consent", "contact_after_return").value() == "+995 555"
    finally:
        blocker.driver_connection.execute("ROLLBACK")
        blocker.close()
    window.close()
    assert not window.isVisible()
    assert stored(workspace, case_number, "consent")["contact_after_return"] == "+995 555"
    impatient.close()
