"""The shipped fonts cover every script Homeward speaks, without any system font."""

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from app.resources import fonts_dir
from app.ui.fonts import FAMILIES, register_fonts

SAMPLES = {
    "NotoSans-Regular.ttf": "Nguyễn Văn Hùng · Шевченко · Çela · Ağayev · Țurcan · Ľubica",
    "NotoSansGeorgian-Regular.ttf": "გიორგი ბერიძე",
    "NotoNaskhArabic-Regular.ttf": "محمد احمدی پښتو ګلالۍ",
    "NotoNastaliqUrdu-Regular.ttf": "عمران رضا بڑا",
}


def test_each_shipped_font_has_the_glyphs_of_its_script(qapp):
    for name, text in SAMPLES.items():
        raw = QRawFont(str(fonts_dir() / name), 12)
        assert raw.isValid(), name
        letters = [ch for ch in text if not ch.isspace() and ch != "·"]
        missing = [ch for ch in letters if not raw.supportsCharacter(ord(ch))]
        assert missing == [], (name, missing)


def test_fonts_register_with_qt_and_licence_ships(qapp):
    families = register_fonts()
    assert set(FAMILIES) <= set(families)
    assert "Noto Sans Georgian" in QFontDatabase.families()
    assert "SIL Open Font License" in (fonts_dir() / "OFL.txt").read_text()
    font = QFont()
    font.setFamilies(list(FAMILIES))
    assert font.families()[0] == "Noto Sans"
