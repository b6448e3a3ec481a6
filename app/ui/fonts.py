"""Shipped fonts, so every script of the programme renders on a bare Windows laptop.

Qt falls back along the families list for characters the first family lacks: Latin,
Cyrillic and Vietnamese come from Noto Sans, Georgian from Noto Sans Georgian, Arabic
script (Arabic, Dari, Pashto) from Noto Naskh Arabic, Urdu from Noto Nastaliq Urdu.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.resources import fonts_dir

log = logging.getLogger("homeward.ui")
FAMILIES = ("Noto Sans", "Noto Sans Georgian", "Noto Naskh Arabic", "Noto Nastaliq Urdu")


def register_fonts() -> list[str]:
    """Add the shipped fonts to Qt's database; return the families now available."""
    loaded: set[str] = set()
    for path in sorted(fonts_dir().glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font %s could not be loaded", path.name)
            continue
        loaded.update(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(loaded)


def apply_fonts(app: QApplication) -> None:
    register_fonts()
    font = QFont(app.font())
    font.setFamilies(list(FAMILIES))
    app.setFont(font)
