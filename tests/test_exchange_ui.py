"""The office ↔ HQ exchange on screen, driven through the real buttons: keys trusted by the
fingerprint typed as it is read aloud, bundles written to and read from the stick, the
status of each series, conflicts settled, and HQ's review queue of submitted plans."""

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import select, update

from app.domain.accounts import Role
from app.domain.cases import CaseStatus
from app.services.accounts import add_account
from app.services.bundle_export import export_bundle
from app.services.bundle_import import import_bundle
from app.services.case_progress import latest_decision, submit
from app.services.cases import CaseQuery, CaseRegister
from app.services.exchange import exchange_status
from app.services.keys import inspect_key_export, own_keys, trusted_keys
from app.services.workspace import unlock
from app.store.models import Case, Returnee
from app.ui.exchange_dialog import ExchangeDialog, import_files, numbers_text
from app.ui.keys_dialog import KeysDialog
from app.ui.language import apply_language
from app.ui.review_queue import ReviewQueue
from test_case_progress import ready_case
from test_exchange import _installation, _paired, _real_cases

COUNSELLOR_PASSWORD = "boris password"


@pytest.fixture
def stick(tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


@pytest.fixture
def hq(tmp_path):
    workspace = _installation(tmp_path, "hq", "hq", "HQ")
    yield workspace
    workspace.close()


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(monkeypatch, method, answer):
    """The file dialog ``method`` answers ``answer``; returns the arguments it was asked."""
    asked = []

    def fake(*args, **kwargs):
        asked.append(args)
        return answer

    monkeypatch.setattr(QFileDialog, method, fake)
    return asked


def answer_question(qtbot, button=QMessageBox.StandardButton.Yes, seen=None):
    """Click ``button`` in the question box the next click opens."""

    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        if seen is not None:
            seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, answer)


def click_row(qtbot, table, row):
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def column(table, number):
    return [table.item(row, number).text() for row in range(table.rowCount())]


def counsellor(workspace, paths):
    add_account(workspace, "boris", "Boris Petrov", Role.COUNSELLOR, COUNSELLOR_PASSWORD)
    return unlock(paths, "boris", COUNSELLOR_PASSWORD)


# --- keys -------------------------------------------------------------------------------


def test_a_key_is_trusted_only_when_the_fingerprint_typed_matches(
    qtbot, workspace, hq, stick, monkeypatch
):
    office = shown(qtbot, KeysDialog(workspace))
    fingerprint = own_keys(workspace).fingerprint
    assert office.fingerprint.text().strip("\u2066\u2069") == fingerprint.replace("-", " ")
    key_file = stick / "sk.hwkey"
    choose(monkeypatch, "getSaveFileName", (str(key_file), ""))
    click(qtbot, office.save_button)
    assert inspect_key_export(key_file).fingerprint == fingerprint
    assert str(key_file) in office.message.text() and not office.message.is_problem

    at_hq = shown(qtbot, KeysDialog(hq))
    assert at_hq.table.rowCount() == 0 and not at_hq.revoke_button.isEnabled()
    choose(monkeypatch, "getOpenFileName", (str(key_file), ""))
    click(qtbot, at_hq.trust_button)
    step = at_hq.trust_dialog
    assert step is not None and step.isVisible()
    assert (
        step.office_label.text() == "Bratislava office (SK)" and step.role_label.text() == "Office"
    )
    assert not step.trust_button.isEnabled() and not step.problem.text()
    qtbot.keyClicks(step.fingerprint, "0000 0000 0000 0000 000")
    assert not step.problem.text()  # not all 20 letters yet: nothing said
    qtbot.keyClicks(step.fingerprint, "0")
    assert not step.trust_button.isEnabled()
    assert step.problem.is_problem and "do not trust it" in step.problem.text()
    assert fingerprint not in step.problem.text()  # the file's own is never shown to copy
    step.fingerprint.clear()
    qtbot.keyClicks(step.fingerprint, fingerprint.lower().replace("-", " "))  # as heard
    assert step.trust_button.isEnabled() and not step.problem.is_problem
    click(qtbot, step.trust_button)
    assert not step.isVisible()
    assert at_hq.message.text() == "SK (Office) is trusted from now on."
    assert column(at_hq.table, 0) == ["SK"] and column(at_hq.table, 5) == ["trusted"]
    assert [(k.office_code, k.revoked) for k in trusted_keys(hq)] == [("SK", False)]

    click_row(qtbot, at_hq.table, 0)
    assert at_hq.revoke_button.isEnabled()
    seen = []
    answer_question(qtbot, QMessageBox.StandardButton.Cancel, seen)
    click(qtbot, at_hq.revoke_button)
    assert "Stop trusting the key of SK" in seen[0] and not trusted_keys(hq)[0].revoked
    answer_question(qtbot)
    click(qtbot, at_hq.revoke_button)
    assert column(at_hq.table, 5) == ["revoked"] and trusted_keys(hq)[0].revoked
    assert not at_hq.revoke_button.isEnabled()


def test_new_keys_reach_the_peer_through_the_rotation_file(
    qtbot, workspace, hq, stick, monkeypatch, installed
):
    _paired(workspace, hq, stick)
    at_hq = shown(qtbot, KeysDialog(hq))
    old = own_keys(hq).fingerprint
    rotation = stick / "hq-new.hwkey"
    choose(monkeypatch, "getSaveFileName", (str(rotation), ""))
    answer_question(qtbot, QMessageBox.StandardButton.Cancel)
    click(qtbot, at_hq.rotate_button)
    assert not rotation.exists() and own_keys(hq).fingerprint == old
    answer_question(qtbot)
    click(qtbot, at_hq.rotate_button)
    new = own_keys(hq).fingerprint
    assert rotation.exists() and new != old
    assert at_hq.fingerprint.text().strip("\u2066\u2069") == new.replace("-", " ")
    assert str(rotation) in at_hq.message.text()

    office = shown(qtbot, KeysDialog(workspace))
    choose(monkeypatch, "getOpenFileName", (str(rotation), ""))
    click(qtbot, office.statement_button)
    assert "HQ now has new keys" in office.message.text()
    assert column(office.table, 5) == ["replaced by new keys", "trusted"]
    assert [k.fingerprint for k in trusted_keys(workspace) if not k.replaced_by] == [new]

    # a bundle for HQ is now encrypted to the new keys and opens there
    _real_cases(workspace, 1)
    assert import_bundle(hq, export_bundle(workspace, stick).path).new_cases == 1

    boris = counsellor(workspace, installed)
    try:
        limited = shown(qtbot, KeysDialog(boris))
        assert limited.save_button.isEnabled()
        for button in (limited.trust_button, limited.statement_button, limited.rotate_button):
            assert not button.isEnabled() and "administrator" in button.toolTip()
        click_row(qtbot, limited.table, 1)
        assert not limited.revoke_button.isEnabled()
    finally:
        boris.close()


# --- sending and receiving ----------------------------------------------------------------


def test_an_office_sends_hq_imports_and_answers(qtbot, workspace, hq, stick, monkeypatch):
    _paired(workspace, hq, stick)
    _real_cases(workspace, 2)
    office = shown(qtbot, ExchangeDialog(workspace))
    assert office.send_intro.text() == "2 cases await headquarters' receipt."
    assert office.include_demo.isVisible() and not office.office_choice.isVisible()
    choose(monkeypatch, "getExistingDirectory", str(stick))
    click(qtbot, office.write_button)
    qtbot.waitUntil(lambda: office.last_export is not None, timeout=20_000)
    sent = office.last_export
    assert sent.path.parent == stick and sent.path.exists()
    assert office.send_message.text().splitlines() == [
        f"Bundle 1 written to {sent.path}.", "Cases: 2 · Erased cases: 0"
    ]  # fmt: skip
    assert office.write_button.isEnabled()
    assert office.send_intro.text() == (
        "2 cases await headquarters' receipt. They are on their way: the next bundle holds none."
    )

    at_hq = shown(qtbot, ExchangeDialog(hq))
    junk = stick / "not-a-bundle.hwbundle"
    junk.write_bytes(b"nothing of the kind")
    asked = choose(monkeypatch, "getOpenFileNames", ([str(sent.path), str(junk)], ""))
    with qtbot.waitSignal(at_hq.cases_changed, timeout=20_000):
        click(qtbot, at_hq.import_button)
    assert "*.hwbundle" in asked[0][3]
    report = at_hq.import_report.toPlainText()
    assert f"{sent.path.name}\nBundle 1 from SK: 2 new cases" in report
    assert f"{junk.name}\nNot imported: " in report
    assert CaseRegister(hq).count(CaseQuery()) == 2
    assert column(at_hq.peers_table, 0) == ["SK"] and column(at_hq.peers_table, 3) == ["1"]
    assert column(at_hq.peers_table, 5) == ["—"]

    # HQ answers the office: receipts for both cases
    assert at_hq.office_choice.currentText() == "SK — Bratislava office"
    assert not at_hq.include_demo.isVisible()
    click(qtbot, at_hq.write_button)
    qtbot.waitUntil(lambda: at_hq.last_export is not None, timeout=20_000)
    answer = at_hq.last_export
    assert at_hq.send_message.text().splitlines() == [
        f"Answer bundle 1 for SK written to {answer.path}.", "Receipts: 2 · Decisions: 0"
    ]  # fmt: skip
    click(qtbot, at_hq.write_button)  # nothing new: news, not an error box
    qtbot.waitUntil(lambda: at_hq.task is None, timeout=20_000)
    assert at_hq.send_message.text() == "Nothing new to send: no bundle was written."
    assert not at_hq.send_message.is_problem and at_hq.last_export is answer

    choose(monkeypatch, "getOpenFileNames", ([str(answer.path)], ""))
    with qtbot.waitSignal(office.cases_changed, timeout=20_000):
        click(qtbot, office.import_button)
    summary = "Bundle 1 from HQ: 2 receipts, 0 decisions, 0 conflicts settled by headquarters."
    assert summary in office.import_report.toPlainText()
    assert office.send_intro.text() == "Headquarters has acknowledged every case as it is now."
    assert exchange_status(workspace).awaiting_receipt == 0


def test_demo_cases_count_once_they_would_be_sent(qtbot, workspace, hq, stick):
    from app.services.demo import add_demo_cases

    _paired(workspace, hq, stick)
    add_demo_cases(workspace, 3, seed=4)
    office = shown(qtbot, ExchangeDialog(workspace))
    assert office.send_intro.text() == "Headquarters has acknowledged every case as it is now."
    box = office.include_demo  # the click lands on the box itself, left of its label
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert office.send_intro.text() == "3 cases await headquarters' receipt."


def test_nothing_to_send_without_a_headquarters_key(qtbot, workspace):
    dialog = shown(qtbot, ExchangeDialog(workspace))
    assert "No headquarters key is trusted yet" in dialog.send_intro.text()
    assert not dialog.write_button.isEnabled()


def test_a_cancel_stops_before_the_next_bundle(workspace, hq, stick):
    _paired(workspace, hq, stick)
    _real_cases(workspace, 1)
    first = export_bundle(workspace, stick).path
    second = export_bundle(workspace, stick, everything=True).path
    total = 2 * 1000
    seen = []  # the person presses Cancel once the first bundle is in
    run = import_files(hq, [first, second], lambda done, total: seen.append(done),
                       lambda: bool(seen) and max(seen) >= total // 2)  # fmt: skip
    assert [path for path, _outcome in run.outcomes] == [first] and run.stopped_at == second
    assert [p.received for p in exchange_status(hq).peers] == [1]


def test_missing_bundles_in_words():
    assert numbers_text((1, 3, 4, 5, 8)) == "1, 3–5, 8"


def _diverge(office, hq, number, office_values, hq_values):
    """The same case edited at the office and at HQ since they last agreed."""
    for side, values in ((office, office_values), (hq, hq_values)):
        with side.transaction() as session:
            case = session.scalar(select(Case).where(Case.case_number == number))
            session.execute(update(Returnee).where(Returnee.case_id == case.id).values(**values))
            case.revision += 1


def test_status_shows_the_gap_and_hq_settles_conflicts(
    qtbot, workspace, hq, stick, monkeypatch, installed
):
    _paired(workspace, hq, stick)
    numbers = _real_cases(workspace, 3)
    export_bundle(workspace, stick)  # bundle 1 is lost on the way
    import_bundle(hq, export_bundle(workspace, stick, everything=True).path)
    import_bundle(workspace, export_bundle(hq, stick, office="SK").path)
    _diverge(workspace, hq, numbers[0], {"family_name": "Trần"}, {"family_name": "Tran Thi"})
    _diverge(workspace, hq, numbers[1], {"given_name": "Lân"}, {"given_name": "Lan Anh"})
    _diverge(workspace, hq, numbers[2], {"sex": "F"}, {"sex": "X"})
    assert import_bundle(hq, export_bundle(workspace, stick).path).conflicts == 3

    dialog = shown(qtbot, ExchangeDialog(hq))
    tab_bar = dialog.tabs.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(2).center())
    assert column(dialog.peers_table, 5) == ["Bundle 1 from SK not yet received"]
    assert column(dialog.peers_table, 6) == ["trusted"]
    assert dialog.no_set_aside.isVisible() and not dialog.set_aside_table.isVisible()
    rows = {(c[0], c[1]): (c[2], c[3]) for c in zip(*(column(dialog.conflicts_table, n)
                                                      for n in range(4)), strict=True)}  # fmt: skip
    assert rows == {
        (numbers[0], "Returnee · Family name"): ("Trần", "Tran Thi"),
        (numbers[1], "Returnee · Given name"): ("Lân", "Lan Anh"),
        (numbers[2], "Returnee · Sex"): ("Female", "Unspecified"),
    }
    buttons = (dialog.keep_office_button, dialog.keep_hq_button, dialog.edit_button)
    assert not any(button.isEnabled() for button in buttons)

    def row_of(number):
        return column(dialog.conflicts_table, 0).index(number)

    click_row(qtbot, dialog.conflicts_table, row_of(numbers[2]))
    assert dialog.keep_office_button.isEnabled() and not dialog.edit_button.isEnabled()
    assert "not a plain text" in dialog.edit_button.toolTip()

    click_row(qtbot, dialog.conflicts_table, row_of(numbers[0]))
    with qtbot.waitSignal(dialog.cases_changed):
        click(qtbot, dialog.keep_office_button)
    assert CaseRegister(hq).detail(numbers[0]).row.family_name == "Trần"
    assert dialog.conflict_message.text() == (
        f"Case {numbers[0]}: the office's value of Returnee · Family name kept."
    )
    assert numbers[0] not in column(dialog.conflicts_table, 0)

    asked = []

    def typed(parent, title, label, echo, text):
        asked.append((label, text))
        return "Lan Anh Thi", True

    monkeypatch.setattr(QInputDialog, "getText", typed)
    click_row(qtbot, dialog.conflicts_table, row_of(numbers[1]))
    click(qtbot, dialog.edit_button)
    assert asked == [(f"Returnee · Given name of case {numbers[1]}:", "Lan Anh")]
    assert CaseRegister(hq).detail(numbers[1]).row.given_name == "Lan Anh Thi"

    click_row(qtbot, dialog.conflicts_table, 0)
    click(qtbot, dialog.keep_hq_button)
    assert exchange_status(hq).conflicts == ()
    assert dialog.no_conflicts.isVisible() and not dialog.conflicts_table.isVisible()

    boris = counsellor(hq, hq.paths)
    try:
        limited = shown(qtbot, ExchangeDialog(boris))
        assert not limited.keep_office_button.isEnabled()
    finally:
        boris.close()


# --- the review queue ----------------------------------------------------------------------


def test_hq_reviews_the_oldest_plan_first_and_decides(qtbot, workspace, hq, stick, monkeypatch):
    _paired(workspace, hq, stick)
    older, newer = ready_case(workspace), ready_case(workspace, ("300", "EUR"))
    submit(workspace, older)
    submit(workspace, newer)
    import_bundle(hq, export_bundle(workspace, stick).path)

    queue = shown(qtbot, ReviewQueue(hq))
    assert queue.summary.text() == "2 plans are waiting for a decision, the oldest first."
    assert column(queue.table, 2) == [older, newer] and column(queue.table, 1) == ["SK", "SK"]
    assert column(queue.table, 8)[1] == "300.00 EUR"
    assert not queue.decide_button.isEnabled()
    click_row(qtbot, queue.table, 0)
    text = queue.detail.toPlainText()
    for expected in (older, "Priority", "Assistance items", "The counsellor's assessment",
                     "Feasibility", "The course needs the machines."):  # fmt: skip
        assert expected in text, expected

    click(qtbot, queue.decide_button)
    move = queue.move_dialog
    assert move is not None and move.isVisible() and move.decision_panel.isVisible()
    panel = move.decision_panel
    for number, edit in panel.amount_edits.items():
        qtbot.keyClicks(edit, "100")
        assert number in (1, 2)
    with qtbot.waitSignal(queue.decided) as decided:
        click(qtbot, panel.save_button)
    assert decided.args == [older]
    assert column(queue.table, 2) == [newer]
    assert queue.message.text() == f"Case {older}: decision recorded."
    assert CaseRegister(hq).detail(older).row.status is CaseStatus.APPROVED
    assert latest_decision(hq, older).source.value == "hq"

    # the decision travels back with HQ's answer
    answer = shown(qtbot, ExchangeDialog(hq))
    choose(monkeypatch, "getExistingDirectory", str(stick))
    click(qtbot, answer.write_button)
    qtbot.waitUntil(lambda: answer.last_export is not None, timeout=20_000)
    assert answer.last_export.decisions == 1
    import_bundle(workspace, answer.last_export.path)
    assert CaseRegister(workspace).detail(older).row.status is CaseStatus.APPROVED


def test_a_counsellor_at_hq_reads_the_queue_but_does_not_decide(qtbot, hq):
    boris = counsellor(hq, hq.paths)
    try:
        queue = shown(qtbot, ReviewQueue(boris))
        assert queue.summary.text() == "No plan is waiting for a decision."
        assert not queue.decide_button.isEnabled()
        assert "supervisor or an administrator" in queue.message.text()
    finally:
        boris.close()


# --- right to left ------------------------------------------------------------------------


@pytest.fixture
def arabic(qapp):
    apply_language(qapp, "ar")
    yield
    apply_language(qapp, "en")


def test_the_dialogs_are_laid_out_right_to_left_in_arabic(qtbot, workspace, hq, stick, arabic):
    _paired(workspace, hq, stick)
    for dialog in (KeysDialog(workspace), ExchangeDialog(hq), ReviewQueue(hq)):
        shown(qtbot, dialog)
        assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    keys = shown(qtbot, KeysDialog(workspace))
    # the fingerprint stays left to right inside the right-to-left dialog
    assert keys.fingerprint.text().startswith("\u2066")
