"""Print preview from the session window: pages shown, saved, sent to a printer, recorded."""

from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from app.services.printing import PrintForm
from app.store.models import AuditEvent
from test_printing import ready_case  # noqa: F401 - fixture
from test_session_ui import open_window


def test_preview_save_and_print(qtbot, workspace, ready_case, tmp_path):  # noqa: F811
    window = open_window(qtbot, workspace, ready_case)
    window.go_to(2)
    dialog = window.open_print()
    qtbot.addWidget(dialog)
    assert dialog.chosen_form() is PrintForm.REQUEST
    assert dialog.result is not None and dialog.pages.count() == dialog.result.pages
    assert dialog.language.code() == "ps"

    dialog.form.setCurrentIndex(dialog.form.findData(PrintForm.PLAN.value))
    assert dialog.result.form is PrintForm.PLAN and dialog.pages.count() >= 3

    saved = dialog.save_pdf(str(tmp_path / "plan.pdf"))
    assert saved is not None and saved.read_bytes() == dialog.result.pdf

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.print_to(printer)
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000

    with workspace.reading() as session:
        targets = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "case.printed")
        ).all()
    assert [t["target"] for t in targets] == ["file", "printer"]
    assert {t["form"] for t in targets} == {"plan"}
