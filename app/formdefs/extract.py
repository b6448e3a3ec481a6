"""Babel extractor for form definitions: every label, hint, title and choice label.

Used from ``translations/babel.cfg``; each message carries a translator comment saying
which form and field it comes from, so a translator sees the context of a short label.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import IO, Any

_TEXT_KEYS = ("title", "label", "hint", "item_label", "pattern_message")


def _line_of(lines: list[str], text: str, start: int) -> int:
    needle = text.replace("\\", "\\\\").replace('"', '\\"')[:40]
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return start + 1


def extract_form(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    source = fileobj.read().decode("utf-8")
    document = tomllib.loads(source)
    lines = source.splitlines()
    form_id = document.get("id", "?")
    cursor = 0

    def emit(text: str, context: str) -> Iterator[tuple[int, str, str, list[str]]]:
        nonlocal cursor
        line = _line_of(lines, text, cursor)
        cursor = max(cursor, line - 1)
        yield line, "_", text, [f"TRANSLATORS: form {form_id}, {context}"]

    if isinstance(document.get("title"), str):
        yield from emit(document["title"], "form title")
    for section in document.get("section", []):
        for key in ("title", "hint"):
            if section.get(key):
                yield from emit(section[key], f"section {section.get('id')} {key}")
    for field in document.get("field", []):
        for key in _TEXT_KEYS:
            if field.get(key):
                yield from emit(field[key], f"field {field.get('id')} {key}")
    cursor = 0
    for name, table in (document.get("choices") or {}).items():
        for value, label in table.items():
            yield from emit(label, f"choice list {name}, value {value}")
