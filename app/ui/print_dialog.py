"""Print preview of a case's forms, then the system print dialog or a PDF file."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, QStandardPaths, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CannotPrint, HomewardError
from app.i18n import N_, ngettext
from app.i18n import gettext as _
from app.services.printing import PrintForm, Printing, PrintResult
from app.ui.errors import show_error
from app.ui.input_guard import ComboBox
from app.ui.pickers import language_combo

FORM_LABELS = {
    PrintForm.REQUEST: N_("Request form"),
    PrintForm.PLAN: N_("Reintegration plan"),
    PrintForm.CONSENT: N_("Consent"),
}
PREVIEW_SCALE = 1.4
PRINT_DPI = 300
PAPER_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}


def page_images(pdf: bytes, scale: float) -> list[QImage]:
    """Each page of ``pdf`` as an image (pdfium renders, Qt shows)."""
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for page in document:
            bitmap = page.render(scale=scale, rev_byteorder=True)
            image = QImage(
                bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                QImage.Format.Format_RGB888,
            ).copy()  # fmt: skip
            images.append(image)
            page.close()
    finally:
        document.close()
    return images


class _SaveFolder:
    """Where "Save as PDF" opens: the folder used last in this run, else Documents."""

    chosen: Path | None = None

    @classmethod
    def last(cls) -> Path:
        if cls.chosen is not None and cls.chosen.is_dir():
            return cls.chosen
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()


class PrintDialog(QDialog):
    def __init__(
        self,
        printing: Printing,
        case_number: str,
        case_language: str,
        parent: QWidget | None = None,
        form: PrintForm = PrintForm.REQUEST,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printDialog")
        self.setWindowTitle(_("Print — {case}").format(case=case_number))
        self.printing = printing
        self.case_number = case_number
        self.result: PrintResult | None = None

        self.form = ComboBox()
        self.form.setObjectName("printForm")
        for kind, label in FORM_LABELS.items():
            self.form.addItem(_(label), kind.value)
        self.form.setCurrentIndex(self.form.findData(form.value))
        self.language = language_combo()
        self.language.setObjectName("printLanguage")
        self.language.set_code(case_language)
        self.paper = ComboBox()
        self.paper.addItems(["A4", "Letter"])
        for combo in (self.form, self.paper):
            combo.currentIndexChanged.connect(self.refresh)
        self.language.activated.connect(self.refresh)
        self.info = QLabel()
        self.info.setObjectName("printInfo")
        controls = QHBoxLayout()
        for label, widget in ((_("Form"), self.form), (_("Language"), self.language),
                              (_("Paper"), self.paper)):  # fmt: skip
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)

        self.pages = QVBoxLayout()
        self.pages.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        holder = QWidget()
        holder.setLayout(self.pages)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)

        self.save_button = QPushButton(_("Save as PDF…"))
        self.save_button.setObjectName("savePdf")
        # clicked(bool) would hand its flag to a slot that takes an argument: connect a lambda.
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printPaper")
        self.print_button.clicked.connect(lambda: self.print_paper())
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(980, 900)
        self.refresh()

    def chosen_form(self) -> PrintForm:
        return PrintForm(self.form.currentData())

    def refresh(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result = self.printing.render(
                self.case_number, self.chosen_form(), self.language.code(), self.paper.currentText()
            )
        except HomewardError as error:
            self.result = None
            show_error(self, error)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        while self.pages.count():
            item = self.pages.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        for image in page_images(self.result.pdf, PREVIEW_SCALE):
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid palette(mid); background: white;")
            self.pages.addWidget(page)
        self.info.setText(
            ngettext(
                "{pages} page · plan revision {revision}",
                "{pages} pages · plan revision {revision}",
                self.result.pages,
            ).format(pages=self.result.pages, revision=self.result.plan_revision)
        )

    def save_pdf(self) -> Path | None:
        """Ask where to save the PDF, then save it there (the file dialog's own question
        about replacing an existing file is the only one asked)."""
        self.refresh()  # the case may have changed since the preview was made
        if self.result is None:
            return None
        name = f"{self.case_number}-{self.chosen_form().value}-{self.result.language}.pdf"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), str(_SaveFolder.last() / name), _("PDF files (*.pdf)")
        )
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        saved = self._save(Path(path), self.result)
        if saved is not None:
            _SaveFolder.chosen = saved.parent
        return saved

    def _save(self, target: Path, result: PrintResult) -> Path | None:
        try:
            self.printing.save(self.case_number, result, target)
        except HomewardError as error:
            show_error(self, error)
            return None
        self.info.setText(_("Saved to {path}").format(path=str(target)))
        return target

    def print_paper(self) -> None:
        """The system print dialog on the paper chosen here; a printer gets the pages drawn at
        300 dpi, "print to file" gets Homeward's own PDF (text stays text)."""
        self.refresh()  # the case may have changed since the preview was made
        if self.result is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)  # the PDF carries its own margins
        printer.setPageSize(QPageSize(PAPER_SIZES.get(self.paper.currentText(), PAPER_SIZES["A4"])))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setDocName(f"{self.case_number}-{self.chosen_form().value}")
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("systemPrintDialog")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Send the form to ``printer`` (a PDF file or paper) and record the print."""
        assert self.result is not None
        paper = _paper_name(printer)
        if paper != self.paper.currentText():  # another paper was chosen in the system dialog
            self.paper.setCurrentText(paper)  # re-renders the preview and the result
            if self.result is None:
                return
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            name = printer.outputFileName()
            if name:
                self._save(Path(name), self.result)
            return
        if not paint_pages(printer, self.result.pdf):
            show_error(self, CannotPrint(printer=printer.printerName()))
            return
        self.printing.record(self.case_number, self.result, "printer")


def paint_pages(device: QPagedPaintDevice, pdf: bytes) -> bool:
    """Draw each page of ``pdf`` over a whole page of ``device`` (False if it cannot start)."""
    painter = QPainter()
    if not painter.begin(device):
        return False
    try:
        resolution = device.logicalDpiX()
        # 300 dpi is sharp on paper; a 1200 dpi printer would only make huge images.
        scale = min(resolution, PRINT_DPI) / 72
        page = device.pageLayout().fullRectPixels(resolution)
        for number, image in enumerate(page_images(pdf, scale)):
            if number:
                device.newPage()
            size = image.size().scaled(page.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(page.topLeft(), size), image)
    finally:
        painter.end()
    return True


def _paper_name(printer: QPrinter) -> str:
    """The name of the paper chosen for ``printer`` that Homeward lays forms out for."""
    chosen = printer.pageLayout().pageSize().id()
    return "Letter" if chosen == QPageSize.PageSizeId.Letter else "A4"
