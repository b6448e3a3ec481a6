"""A returnee asks to see what is held about them: one JSON document and the forms."""

import json
import subprocess

import pytest

from app.domain.accounts import Role
from app.domain.errors import CannotWrite, NotPermitted
from app.services.accounts import add_account
from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.returnee_data import export_returnee_data
from app.services.workspace import unlock
from test_cli import homeward
from test_counselling import CONSENT, INTAKE
from test_services import new_case


def test_everything_about_one_returnee(workspace, tmp_path):
    number = CaseRegister(workspace).open_case(new_case(given="Lan", family="Tran")).case_number
    counselling = Counselling(workspace)
    counselling.save_answers(number, "consent", CONSENT)
    counselling.save_answers(number, "intake", {**INTAKE, "intended_activity": "A tailor shop."})
    folder = export_returnee_data(workspace, number, tmp_path)
    names = sorted(path.name for path in folder.iterdir())
    assert f"{number}.json" in names and len(names) == 4
    document = json.loads((folder / f"{number}.json").read_text(encoding="utf-8"))
    assert document["case"]["row"]["given_name"] == "Lan"
    assert document["answers"]["intake"]["answers"]["intended_activity"] == "A tailor shop."
    assert any(entry["action"] == "case.opened" for entry in document["history"])
    request = next(p for p in folder.iterdir() if "-request-" in p.name)
    text = subprocess.run(["pdftotext", str(request), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Lan" in text
    again = export_returnee_data(workspace, number, tmp_path)
    assert again != folder and again.name.endswith("-2")


def test_only_supervisors_and_never_into_the_data_folder(workspace, installed, tmp_path):
    number = CaseRegister(workspace).open_case(new_case()).case_number
    with pytest.raises(CannotWrite):
        export_returnee_data(workspace, number, installed.root)
    add_account(workspace, "petr", "Petr", Role.COUNSELLOR, "petr's password")
    counsellor = unlock(installed, "petr", "petr's password")
    try:
        with pytest.raises(NotPermitted):
            export_returnee_data(counsellor, number, tmp_path)
    finally:
        counsellor.close()


def test_command_line(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK",
             "--admin", "anna")  # fmt: skip
    homeward(data, "demo", "--cases", "2", "--seed", "5")
    number = homeward(data, "cases").stdout.split()[0]
    out = tmp_path / "out"
    out.mkdir()
    done = homeward(data, "returnee-data", number, "--to", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / f"{number}-returnee-data" / f"{number}.json").is_file()


def test_export_from_the_window(qtbot, workspace, installed, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from app.ui.application import ui_settings
    from app.ui.main_window import MainWindow

    number = CaseRegister(workspace).open_case(new_case(given="Lan", family="Tran")).case_number
    window = MainWindow(workspace, ui_settings(installed))
    qtbot.addWidget(window)
    window.show()
    assert not window.returnee_data_action.isEnabled()  # nothing selected yet
    assert window.select_case(number)
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, message, *a: shown.append(message))  # fmt: skip
    window.returnee_data_action.trigger()
    document = tmp_path / f"{number}-returnee-data" / f"{number}.json"
    assert json.loads(document.read_text(encoding="utf-8"))["case"]["row"]["given_name"] == "Lan"
    assert str(document.parent) in shown[-1]
