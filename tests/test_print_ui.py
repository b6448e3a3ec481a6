"""Print preview from the session window: pages shown, saved, sent to a printer, recorded."""

import subprocess

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPageSize, QPdfWriter
from sqlalchemy import select

from app.services.printing import PrintForm
from app.store.models import AuditEvent
from app.ui.print_dialog import PrintDialog, paint_pages
from test_printing import ready_case  # noqa: F401 - fixture
from test_session_ui import open_window


def test_preview_save_and_print(qtbot, workspace, ready_case, tmp_path, monkeypatch):  # noqa: F811
    window = open_window(qtbot, workspace, ready_case)
    window.go_to(2)
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(PrintDialog)
    qtbot.addWidget(dialog)
    assert dialog.chosen_form() is PrintForm.REQUEST
    assert dialog.result is not None and dialog.pages.count() == dialog.result.pages
    assert dialog.language.code() == "ps"

    dialog.form.setCurrentIndex(dialog.form.findData(PrintForm.PLAN.value))
    assert dialog.result.form is PrintForm.PLAN and dialog.pages.count() >= 3

    monkeypatch.setattr(
        "app.ui.print_dialog.QFileDialog.getSaveFileName",
        lambda *args: (str(tmp_path / "plan.pdf"), ""),
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "plan.pdf").read_bytes() == dialog.result.pdf

    with workspace.reading() as session:
        targets = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "case.printed")
        ).all()
    assert [(t["target"], t["form"]) for t in targets] == [("file", "plan")]


def test_pages_drawn_for_a_printer_fill_the_paper(qtbot, workspace, ready_case, tmp_path):  # noqa: F811
    """What a paper printer gets: every page drawn, not blank, over the whole sheet."""
    window = open_window(qtbot, workspace, ready_case)
    dialog = PrintDialog(window.printing_service(), ready_case, "ps", window)
    qtbot.addWidget(dialog)
    target = tmp_path / "raster.pdf"
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(150)
    assert paint_pages(writer, dialog.result.pdf)
    del writer  # finishes the file
    (tmp_path / "source.pdf").write_bytes(dialog.result.pdf)
    for name in ("raster", "source"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)  # fmt: skip
    drawn = sorted(tmp_path.glob("raster-*.png"))
    wanted = sorted(tmp_path.glob("source-*.png"))
    assert len(drawn) == len(wanted) == dialog.result.pages
    for page, original in zip(drawn, wanted, strict=True):
        drawn_ink, expected = ink(QImage(str(page))), ink(QImage(str(original)))
        assert expected * 0.6 < drawn_ink < expected * 1.4, f"{page.name} differs"


def ink(image: QImage) -> int:
    """How much is printed on a page: the sum of every pixel's darkness."""
    return sum(
        255 - image.pixelColor(x, y).lightness()
        for y in range(image.height())
        for x in range(image.width())
    )
