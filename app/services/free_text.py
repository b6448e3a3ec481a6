"""Free-text answers as printed for the migrant: their version, or a note that there is none.

Choices and labels print in both languages from the catalogs; free text prints as typed. A
long answer the migrant reads (``bilingual`` in its form) prints the interpreter's version in
the migrant's language first and the counsellor's text under it; without one, the text prints
once with a note, in both languages, so nobody signs text they could not read unawares.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.formdefs import FieldDef, FieldType, FormDef
from app.formdefs.versions import bilingual_paths, versions_of
from app.i18n import N_, gettext
from app.printing.document import Bilingual, FreeText, Value

NO_VERSION_NOTE = N_(
    "Written in the counsellor's language only: have it read to you by the interpreter."
)


class FreeTextPrinter:
    """Prints the free text of one case in one migrant language beside the office's."""

    def __init__(self, migrant: str, office: str) -> None:
        self.migrant = migrant
        self.office = office
        self._read: dict[str, frozenset[str]] = {}

    def know_form(self, form_id: str, *forms: FormDef) -> None:
        """The questions of ``form_id`` the migrant reads: marked ``bilingual`` in the
        version the answers follow or in the current one (older answers get the note too)."""
        self._read[form_id] = frozenset().union(*(bilingual_paths(form) for form in forms))

    def reads(self, form_id: str, path: str) -> bool:
        return path in self._read.get(form_id, frozenset())

    def value(
        self,
        form_id: str,
        field: FieldDef,
        answers: Mapping[str, Any],
        group: FieldDef | None = None,
    ) -> Value | None:
        """The printed free text of ``field`` in ``answers`` (an item's for a repeat member);
        None when ``field`` is not a long text (other answers print as before)."""
        if field.type is not FieldType.LONG_TEXT or field.id not in answers:
            return None
        text = str(answers[field.id])
        path = f"{group.id}.{field.id}" if group is not None else field.id
        version = versions_of(answers, field.id).get(self.migrant, "").strip()
        if version and version != text.strip():
            return FreeText(text, migrant=version)
        if version or self.migrant == self.office or not self.reads(form_id, path):
            return text
        note = Bilingual(
            gettext(NO_VERSION_NOTE, self.migrant), gettext(NO_VERSION_NOTE, self.office)
        )
        return FreeText(text, note=note)
