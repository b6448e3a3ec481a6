"""How complete each catalog is, for the interface and for the forms separately.

A message belongs to the forms when the template says it comes from ``forms/``; everything
else is interface. English is the source language and is always complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.i18n import DOMAIN
from app.resources import resource_dir


@dataclass(frozen=True)
class Completeness:
    translated: int
    total: int

    @property
    def ratio(self) -> float:
        return 1.0 if self.total == 0 else self.translated / self.total


def _read(path: Path, locale: str | None = None) -> Catalog | None:
    if not path.is_file():
        return None
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


@cache
def _template_ids() -> tuple[frozenset[str], frozenset[str]]:
    """(interface ids, form ids) from the extracted template."""
    template = _read(resource_dir("translations") / f"{DOMAIN}.pot")
    if template is None:
        return frozenset(), frozenset()
    ui: set[str] = set()
    forms: set[str] = set()
    for message in template:
        if not message.id or not isinstance(message.id, str):
            continue
        from_forms = any(path.startswith("forms/") for path, _line in message.locations)
        (forms if from_forms else ui).add(message.id)
    return frozenset(ui), frozenset(forms)


def completeness(code: str) -> tuple[Completeness, Completeness]:
    """(interface, forms) completeness of language ``code``."""
    ui_ids, form_ids = _template_ids()
    if code == "en":
        return Completeness(len(ui_ids), len(ui_ids)), Completeness(len(form_ids), len(form_ids))
    catalog = _read(resource_dir("translations") / code / "LC_MESSAGES" / f"{DOMAIN}.po", code)
    done: set[str] = set()
    if catalog is not None:
        for message in catalog:
            if not isinstance(message.id, str) or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and all(strings):
                done.add(message.id)
    return (
        Completeness(len(done & ui_ids), len(ui_ids)),
        Completeness(len(done & form_ids), len(form_ids)),
    )
