"""Switching the interface language at run time: our catalogs, Qt's own, and direction.

Qt's standard buttons and dialogs are translated by the ``qtbase`` catalogs PySide6 ships
(ar, fa, ka, ru, uk, sk, es, fr). For the languages Qt has none for (vi, ro, sq, az, ps, ur)
a translator answers Qt's requests from Homeward's own catalog, which carries those strings.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from app.i18n import N_, active_language, set_language, translations
from app.i18n.languages import language

# Qt's own strings we carry in our catalog, for languages without a qtbase catalog.
QT_STRINGS = (
    N_("OK"), N_("Cancel"), N_("&Yes"), N_("&No"), N_("Close"), N_("Apply"), N_("Save"),
    N_("Help"), N_("Reset"), N_("Show Details..."), N_("Hide Details..."),
    N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"), N_("Delete"),
    N_("Select All"), N_("< &Back"), N_("&Next >"), N_("&Finish"), N_("&Cancel"),
)  # fmt: skip
_QT_CONTEXTS = frozenset(
    {"QPlatformTheme", "QDialogButtonBox", "QMessageBox", "QWidgetTextControl", "QLineEdit",
     "QWizard", "QInputDialog", "QShortcut"}
)  # fmt: skip


class CatalogTranslator(QTranslator):
    """Answers Qt with Homeward's gettext catalog for the strings in ``QT_STRINGS``."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None, not "": PySide6 takes "" for a translation and Qt's texts ("Close", the
        # "Ctrl" of shortcuts) go blank; None lets Qt ask the next catalog or keep its own.
        if context not in _QT_CONTEXTS or source not in QT_STRINGS:
            return None
        translated = translations(self.code).gettext(source)
        return translated if translated != source else None

    def isEmpty(self) -> bool:
        return False


class _Installed:
    translators: list[QTranslator] = []  # noqa: RUF012 - one list per process, on purpose


def apply_language(app: QApplication, code: str) -> None:
    """Make ``code`` the interface language; widgets then get a LanguageChange event."""
    set_language(code)
    code = active_language()
    for old in _Installed.translators:
        app.removeTranslator(old)
    _Installed.translators = []
    qt_catalog = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if code != "en" and qt_catalog.load(f"qtbase_{code}", folder):
        _Installed.translators.append(qt_catalog)
    _Installed.translators.append(CatalogTranslator(code))
    for translator in _Installed.translators:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(code))
    rtl = language(code).right_to_left
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    )
