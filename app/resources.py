"""Where the data folders (forms, translations, migrations) are at run time.

A wheel carries them inside the package under ``app/_data``; a source checkout keeps them at
the top of the repository. Looking in both keeps one code path for installs and development.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``forms``, ``translations`` or ``migrations``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Homeward's {name!r} folder is missing from this installation")


def fonts_dir() -> Path:
    """Noto fonts shipped with Homeward (OFL; see OFL.txt beside them)."""
    return _PACKAGE / "fonts"
