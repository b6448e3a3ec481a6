"""Directional marks for text that is printed: isolates, a text's own direction, values in
templates. Plain Python on top of the bidi classes, so the services can shape what they hand
to the printer without loading ReportLab at start-up."""

from __future__ import annotations

from collections.abc import Iterable

from app.printing.bidi import FSI, LRI, LRM, PDI, RLI, RLM, bidi_class, is_rtl_text


def isolate(text: str, rtl: bool | None = None) -> str:
    """``text`` as a directional isolate: its own direction (first strong, or ``rtl``)
    inside whatever surrounds it, and no effect on the text around it."""
    opener = FSI if rtl is None else RLI if rtl else LRI
    return f"{opener}{text}{PDI}"


def fill(template: str, **params: object) -> str:
    """``template.format(**params)`` with every value isolated, as printed forms need them:
    "{pages} میں سے صفحہ {page}" keeps its numbers where the translator put them."""
    return template.format(**{key: isolate(str(value)) for key, value in params.items()})


def joined(pieces: Iterable[str], separator: str) -> str:
    """Pieces on one line (a case number, a phrase in each language), each isolated."""
    return separator.join(isolate(piece) for piece in pieces if piece)


def directional(text: str, rtl: bool) -> str:
    """``text`` marked to read in its language's direction ``rtl`` when its first strong
    letter says otherwise; a text with no letter of that direction (an untranslated
    fallback) keeps its own."""
    if not text or is_rtl_text(text) == rtl:
        return text
    wanted = ("R", "AL") if rtl else ("L",)
    if any(bidi_class(char) in wanted for char in text):
        return (RLM if rtl else LRM) + text
    return text
