"""Field-level three-way merge of a case changed at an office and at HQ since the revision
they last shared: a field changed on one side takes that side's value; a field changed on
both sides to different values is a conflict for a person, never a silent overwrite.

A case is compared as a flat mapping of field paths ("returnee.given_name",
"answers.intake.skills") to JSON values; a missing path and None are the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Fields = Mapping[str, Any]


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any
    office: Any
    hq: Any


@dataclass(frozen=True)
class MergeResult:
    merged: dict[str, Any]
    conflicts: list[FieldConflict] = field(default_factory=list)
    taken_from_office: list[str] = field(default_factory=list)


def three_way(base: Fields, office: Fields, hq: Fields) -> MergeResult:
    """Merge ``office``'s changes into ``hq``'s version. Conflicting fields keep HQ's value
    in ``merged`` until a person decides."""
    merged: dict[str, Any] = dict(hq)
    conflicts: list[FieldConflict] = []
    taken: list[str] = []
    for path in sorted(set(base) | set(office) | set(hq)):
        was, theirs, ours = base.get(path), office.get(path), hq.get(path)
        if theirs in (was, ours):
            continue  # the office did not change it, or both made the same change
        if ours == was:
            taken.append(path)
            if theirs is None:
                merged.pop(path, None)
            else:
                merged[path] = theirs
            continue
        conflicts.append(FieldConflict(path, was, theirs, ours))
    return MergeResult(merged, conflicts, taken)


def changed_fields(before: Fields, after: Fields) -> list[str]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
