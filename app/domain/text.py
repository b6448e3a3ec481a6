"""What a short piece of text typed by a person (a name, a place) may hold.

Control characters (ESC, BEL, NUL…) do nothing useful in a name and can rewrite a terminal
when a list is printed; bidi overrides (RLO and friends) make a name display as something it
is not. Neither is ever needed to write a name in any script, so both are refused. Joiners
(ZWJ, ZWNJ) are kept: Persian and many Indic names need them.
"""

from __future__ import annotations

import unicodedata

from app.domain.errors import N_

# Bidi embeddings, overrides and isolates: the display order is the UI's job, not the data's.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(text: str) -> bool:
    return any(
        char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs") for char in text
    )


CONTROL_CHARACTERS = N_("control characters (such as ESC or a direction override) are not allowed")


def control_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as a name or place (None when it can)."""
    return CONTROL_CHARACTERS if has_control_characters(text) else None


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters shown as U+FFFD."""
    if not has_control_characters(text):
        return text
    return "".join(
        "\ufffd" if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs")
        else char
        for char in text
    )  # fmt: skip
