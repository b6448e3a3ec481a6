"""Free text in the migrant's language: typed by the interpreter beside the counsellor's
text, saved with it, printed first on the migrant's paper, or a note where there is none."""

import shutil
from textwrap import dedent

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from app.formdefs import FormDefinitionError, load_form, load_forms, validate
from app.formdefs.loader import load_registry
from app.formdefs.values import relevant_answers
from app.formdefs.versions import count_versions
from app.resources import resource_dir
from app.services.cases import CaseRegister
from app.services.counselling import Counselling
from app.services.free_text import NO_VERSION_NOTE
from app.services.history import AnswersSaved, case_history
from app.services.printing import PrintForm, Printing
from app.ui.session.form_page import RepeatEditor
from app.ui.session.window import SessionWindow
from test_counselling import CONSENT, INTAKE, TODAY, plan
from test_printing import pdf_text
from test_services import new_case

NOTE = NO_VERSION_NOTE  # untranslated catalogs give the English text in every language
RU_OBJECTIVES = "Собственный доход через шесть месяцев."
RU_ITEM = "Две швейные машины и ткань."


def type_text(widget: QPlainTextEdit, text: str) -> None:
    """Type as an input method commits text (QTest cannot type non-ASCII in Qt 6.11)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def open_window(qtbot, workspace, case_number, counsellor="en"):
    window = SessionWindow(Counselling(workspace), case_number, counsellor)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def stored(workspace, case_number, form_id):
    response = Counselling(workspace).state(case_number).responses.get(form_id)
    return response.answers if response else {}


def ready_for_plan(workspace, language):
    case_number = CaseRegister(workspace).open_case(new_case(language=language)).case_number
    counselling = Counselling(workspace)
    counselling.save_answers(case_number, "consent", CONSENT)
    counselling.complete_step(case_number, "consent")
    counselling.save_answers(case_number, "intake", INTAKE)
    counselling.complete_step(case_number, "intake")
    return case_number


# --- definitions ---------------------------------------------------------------------

FORM = """
id = "sample"
version = "1"
title = "Sample"

[[section]]
id = "main"
title = "Main"

[[field]]
id = "plans"
section = "main"
type = "long_text"
bilingual = true
label = "Plans"
max_length = 20

[[field]]
id = "kind"
section = "main"
type = "choice"
label = "Kind"
choices = "kinds"

[choices.kinds]
a = "A"
"""


def write(tmp_path, text, name="sample.toml"):
    path = tmp_path / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


def test_bilingual_is_a_long_text_option_checked_when_loaded(tmp_path):
    form = load_form(write(tmp_path, FORM))
    assert form.field("plans").bilingual and not form.field("kind").bilingual
    broken = FORM.replace('type = "choice"\n', 'type = "choice"\nbilingual = true\n')
    with pytest.raises(FormDefinitionError) as caught:
        load_form(write(tmp_path, broken, "broken.toml"))
    message = str(caught.value)
    assert message.startswith("Form definition broken.toml, field kind:"), message
    assert "'bilingual' does not apply to a choice field (only to long_text fields)" in message
    not_a_flag = FORM.replace("bilingual = true", 'bilingual = "yes"')
    with pytest.raises(FormDefinitionError, match=r"notflag\.toml, field plans: 'bilingual' must"):
        load_form(write(tmp_path, not_a_flag, "notflag.toml"))


def test_the_shipped_forms_mark_what_the_migrant_signs_and_keep_the_old_versions():
    forms = load_forms()
    intake, plan_form = forms.current("intake"), forms.current("plan")
    assert intake.field("intended_activity").bilingual
    assert plan_form.field("assistance_items").member("description").bilingual
    assert all(f.bilingual for f in plan_form.fields if f.type == "long_text")
    # The versions answers were given under stay loadable, byte for byte as shipped.
    assert forms.version("intake", "2026.1").field("intended_activity").bilingual is False
    assert forms.version("plan", "2026.2").field("objectives").bilingual is False
    archive = resource_dir("forms") / "archive"
    assert (archive / "intake-2026.1.toml").read_bytes().count(b"bilingual") == 0


def test_versions_are_kept_counted_and_never_required(tmp_path):
    form = load_form(write(tmp_path, FORM))
    answers = {"plans": "A shop.", "plans@ru": "Магазин.", "kind": "a"}
    assert relevant_answers(form, answers) == answers
    assert count_versions(form, answers, "ru") == (1, 1)
    assert count_versions(form, answers, "ar") == (0, 1)
    assert validate(form, {"plans": "A shop."}, TODAY) == {}  # no version: still complete
    too_long = validate(form, {"plans": "A shop.", "plans@ru": "Магазин " * 5}, TODAY)
    assert too_long["plans"].format() == (
        "the version in the migrant's language is longer than 20 characters"
    )


def test_the_history_names_the_question_whose_version_was_saved(workspace):
    case_number = ready_for_plan(workspace, "ru")
    Counselling(workspace).save_answers(case_number, "plan", {"objectives@ru": RU_OBJECTIVES})
    saved = next(
        e.description for e in case_history(workspace, case_number)
        if isinstance(e.description, AnswersSaved)
    )  # fmt: skip
    assert [(f.id, f.label) for f in saved.fields] == [("objectives@ru", "Objectives")]


# --- the session -----------------------------------------------------------------------


def test_the_interpreter_types_the_version_beside_the_counsellors_text(qtbot, workspace):
    case_number = ready_for_plan(workspace, "ru")
    window = open_window(qtbot, workspace, case_number)
    assert window.current_step() == "plan"
    page = window.pages["plan"]
    objectives = page.editors["objectives"]
    caption = objectives.migrant_box.findChild(object, "migrantVersionCaption_objectives")
    assert caption.text() == "In Русский (typed by the interpreter)"
    assert objectives.migrant_box.isVisible() and objectives.theirs.isVisible()
    # The box is in the migrant's column, right of the counsellor's text, under their label.
    theirs_label = page.rows["objectives"].theirs
    box = objectives.theirs.mapTo(page.widget(), objectives.theirs.rect().topLeft())
    label = theirs_label.mapTo(page.widget(), theirs_label.rect().topLeft())
    own = objectives.text.mapTo(page.widget(), objectives.text.rect().topLeft())
    assert box.x() == label.x() > own.x() and box.y() > label.y()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    objectives.text.setFocus()
    qtbot.keyClicks(objectives.text, "Own income in six months.")
    qtbot.keyClick(objectives.text, Qt.Key.Key_Tab)  # Tab goes on to the migrant's version
    qtbot.waitUntil(objectives.theirs.hasFocus)
    type_text(objectives.theirs, RU_OBJECTIVES)
    items: RepeatEditor = page.editors["assistance_items"]
    qtbot.mouseClick(items.add_button, Qt.MouseButton.LeftButton)
    description = items.items[0].editors["description"]
    qtbot.waitUntil(description.theirs.isVisible)  # a new item is shown once laid out
    qtbot.keyClicks(description.text, "Two sewing machines and fabric.")
    type_text(description.theirs, RU_ITEM)

    def saved() -> bool:
        answers = stored(workspace, case_number, "plan")
        items = answers.get("assistance_items") or [{}]
        return answers.get("objectives@ru") == RU_OBJECTIVES and "description@ru" in items[0]

    qtbot.waitUntil(saved, timeout=3000)
    answers = stored(workspace, case_number, "plan")
    assert answers["objectives"] == "Own income in six months."
    assert answers["assistance_items"][0]["description"] == "Two sewing machines and fabric."
    assert answers["assistance_items"][0]["description@ru"] == RU_ITEM
    window.close()

    again = open_window(qtbot, workspace, case_number)
    again.go_to(3)
    assert again.pages["plan"].editors["objectives"].theirs.toPlainText() == RU_OBJECTIVES
    item = again.pages["plan"].editors["assistance_items"].items[0]
    assert item.editors["description"].theirs.toPlainText() == RU_ITEM
    review = again.review.toPlainText()
    assert "Free-text answers with a version in Русский: 2 of 2." in review
    assert RU_OBJECTIVES in review


def test_a_right_to_left_version_box_and_one_that_follows_relevance(qtbot, workspace):
    case_number = ready_for_plan(workspace, "ar")
    window = open_window(qtbot, workspace, case_number)
    page = window.pages["plan"]
    theirs = page.editors["objectives"].theirs
    assert theirs.layoutDirection() == Qt.LayoutDirection.RightToLeft
    option = theirs.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    assert option.alignment() & Qt.AlignmentFlag.AlignRight
    assert page.editors["objectives"].text.layoutDirection() == Qt.LayoutDirection.LeftToRight
    # "Expected income" is asked once there is an assistance item; its box goes with it.
    income = page.editors["expected_income"]
    assert not income.migrant_box.isVisible()
    qtbot.mouseClick(page.editors["assistance_items"].add_button, Qt.MouseButton.LeftButton)
    assert income.migrant_box.isVisible()


def test_a_counsellor_writing_in_the_migrants_language_needs_one_box(qtbot, workspace):
    case_number = ready_for_plan(workspace, "ru")
    window = open_window(qtbot, workspace, case_number, counsellor="ru")
    objectives = window.pages["plan"].editors["objectives"]
    assert not objectives.migrant_box.isVisible()
    type_text(objectives.text, RU_OBJECTIVES)
    window.save_now()
    answers = stored(workspace, case_number, "plan")
    assert answers["objectives"] == answers["objectives@ru"] == RU_OBJECTIVES
    window.close()
    # A version the interpreter wrote earlier is shown, not overwritten by the counsellor's.
    Counselling(workspace).save_answers(case_number, "plan", {**answers, "objectives@ru": RU_ITEM})
    again = open_window(qtbot, workspace, case_number, counsellor="ru")
    objectives = again.pages["plan"].editors["objectives"]
    assert objectives.migrant_box.isVisible()
    assert objectives.theirs.toPlainText() == RU_ITEM


# --- printing ------------------------------------------------------------------------


def test_request_form_prints_the_version_first_or_the_note(workspace):
    case_number = ready_for_plan(workspace, "ru")
    answers = plan(("800", "EUR"))
    answers["objectives@ru"] = RU_OBJECTIVES
    answers["assistance_items"][0]["description@ru"] = RU_ITEM
    Counselling(workspace).save_answers(case_number, "plan", answers)
    text = "\n".join(pdf_text(Printing(workspace).render(case_number, PrintForm.REQUEST).pdf))
    flat = " ".join(text.split())
    # the Russian version first, the counsellor's text under it, and no note for them
    assert flat.index(RU_OBJECTIVES) < flat.index("Income within six months.")
    assert flat.index("Две швейные машины") < flat.index("Two sewing machines")
    # "Ten years of tailoring." and the intended activity have no Russian version
    notes = flat.count(" ".join(NOTE.split()[:4]))
    assert notes == 2, flat
    assert flat.index("Ten years of tailoring.") < flat.rindex("Written in the counsellor")

    plan_pdf = Printing(workspace).render(case_number, PrintForm.PLAN, "ru").pdf
    plan_text = " ".join(" ".join(pdf_text(plan_pdf)).split())
    assert RU_OBJECTIVES in plan_text and RU_ITEM in plan_text
    # in English (the office's language) the text is printed once, without a note
    english = " ".join(" ".join(pdf_text(Printing(workspace).render(
        case_number, PrintForm.REQUEST, "en").pdf)).split())  # fmt: skip
    assert RU_OBJECTIVES not in english and "Written in the counsellor" not in english
    # in Arabic the Russian version is not the migrant's: the note is printed
    arabic = " ".join(" ".join(pdf_text(Printing(workspace).render(
        case_number, PrintForm.REQUEST, "ar").pdf)).split())  # fmt: skip
    assert RU_OBJECTIVES not in arabic and arabic.count("Written in the counsellor") == 4


def test_answers_given_before_versions_existed_still_load_and_print(qtbot, workspace, tmp_path):
    # The forms as they were: intake 2026.1 and plan 2026.2, no bilingual field.
    shipped = resource_dir("forms")
    old = tmp_path / "forms"
    (old / "archive").mkdir(parents=True)
    shutil.copy(shipped / "consent.toml", old / "consent.toml")
    shutil.copy(shipped / "archive" / "intake-2026.1.toml", old / "intake.toml")
    shutil.copy(shipped / "archive" / "plan-2026.2.toml", old / "plan.toml")
    case_number = CaseRegister(workspace).open_case(new_case(language="ru")).case_number
    counselling_then = Counselling(workspace, load_registry(old))
    then = (("consent", CONSENT), ("intake", INTAKE), ("plan", plan(("9", "EUR"))))
    for form_id, answers in then:
        counselling_then.save_answers(case_number, form_id, answers)
    state = Counselling(workspace).state(case_number)
    assert state.responses["plan"].form_version == "2026.2"

    window = open_window(qtbot, workspace, case_number)
    window.go_to(3)
    objectives = window.pages["plan"].editors["objectives"]
    assert objectives.text.toPlainText() == "Income within six months."
    assert objectives.migrant_box is None  # that version of the form has no second box
    assert "Free-text answers with a version" not in window.review.toPlainText()
    window.close()

    pdf = Printing(workspace).render(case_number, PrintForm.REQUEST).pdf
    flat = " ".join(" ".join(pdf_text(pdf)).split())
    assert "Income within six months." in flat and "Open a tailoring workshop." in flat
    # intended activity, the item's description, objectives and skills: the paper says so
    assert flat.count("Written in the counsellor") == 4
