"""What a printed form holds, already translated: the printing layer only lays it out.

The service that prints a case builds one of these from the case and its answers; keeping
the model plain lets the renderer stay free of forms, catalogs and the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bilingual:
    """A label in the migrant's language and in the office's language.

    Each text's direction comes from its first strong letter, so a label that is not yet
    translated (and falls back to English) still prints left to right.
    """

    migrant: str
    office: str

    @property
    def same(self) -> bool:
        return self.migrant == self.office


@dataclass(frozen=True)
class FreeText:
    """A free-text answer the migrant reads: their version first, the original under it.

    Without a version in the migrant's language the original prints once, with ``note``
    (e.g. "written in the counsellor's language only") under it.
    """

    text: str  # as the counsellor wrote it
    migrant: str = ""  # the version in the migrant's language, typed by the interpreter
    note: Bilingual | None = None


Value = str | Bilingual | FreeText


@dataclass(frozen=True)
class Row:
    label: Bilingual
    # One text, a value written in each column's locale (an amount, a date), or a free-text
    # answer with its version in the migrant's language.
    value: Value


@dataclass(frozen=True)
class Grid:
    """A table with bilingual headers, e.g. household members or assistance items."""

    headers: tuple[Bilingual, ...]
    rows: tuple[tuple[Value, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1


@dataclass(frozen=True)
class Note:
    text: Bilingual
    warning: bool = False


Block = Row | Grid | Note


@dataclass(frozen=True)
class Section:
    title: Bilingual
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class PrintDocument:
    title: Bilingual
    case_number: str
    qr_payload: str
    office_line: str  # office name, plan revision and printed date, in the office language
    page_template: Bilingual  # "Page {page} of {pages}"
    sections: tuple[Section, ...]
    signatures: tuple[Bilingual, ...] = ()
    signature_date: Bilingual | None = None
    page_size: str = "A4"  # or "Letter"
    right_to_left: bool = False  # the migrant's language: tables are laid out from the right
    metadata: dict[str, str] = field(default_factory=dict)
    # The office line again in the migrant's language, printed above ``office_line``; empty
    # (or the same text) prints the office line alone.
    office_line_migrant: str = ""
