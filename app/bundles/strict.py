"""Strict JSON for bundles and key documents: bounded types and a decoder that refuses what
msgspec lets through.

msgspec refuses unknown fields, wrong types, NaN/Infinity literals, numbers out of float range,
lone surrogates and invalid UTF-8 by itself; it does NOT refuse duplicate keys (the last one
wins silently), so :func:`decode` refuses them too: a document that reads back byte for byte
as msgspec writes it has no key twice (the fast path, for everything Homeward writes); any
other goes through the standard library's parser with a hook that refuses duplicates. Depth
is bounded by the types themselves (no ``Any`` anywhere), and integers by ``Meta`` bounds
(msgspec accepts integers of any size).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, TypeVar

import msgspec

T = TypeVar("T")

Key = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Short = Annotated[str, msgspec.Meta(max_length=64)]
Name = Annotated[str, msgspec.Meta(max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
OfficeCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2,8}$")]
Country = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
LanguageTag = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")]
Sha256Hex = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
FINGERPRINT_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$"
Fingerprint = Annotated[str, msgspec.Meta(pattern=FINGERPRINT_PATTERN)]
DecimalText = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,13}(\.[0-9]{1,2})?$")]
Revision = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Count = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]
SafeInt = Annotated[int, msgspec.Meta(ge=-(2**53), le=2**53)]
UtcDateTime = Annotated[dt.datetime, msgspec.Meta(tz=True)]

STRUCT_OPTIONS: dict[str, Any] = {"frozen": True, "forbid_unknown_fields": True, "kw_only": True}


_ENCODER = msgspec.json.Encoder()


class StrictJsonError(ValueError):
    """A document that is not strict JSON of the expected type; the text says where."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise StrictJsonError(f"duplicate key {twice[:40]!r}")
    return document


def _no_constant(name: str) -> Any:
    raise StrictJsonError(f"{name} is not a number JSON allows")


def decode(data: bytes, decoder: msgspec.json.Decoder[T]) -> T:
    """``data`` decoded by ``decoder``, or :class:`StrictJsonError`."""
    try:
        value = decoder.decode(data)
    except (msgspec.DecodeError, RecursionError) as error:
        raise StrictJsonError(str(error) or "nested too deeply") from None
    if _ENCODER.encode(value) == data:
        return value  # exactly as msgspec writes it, so no key is there twice
    try:
        # Only documents msgspec accepted get here, so their depth is bounded by the types.
        json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise StrictJsonError(str(error)) from None
    return value


def utc(moment: dt.datetime | None) -> dt.datetime:
    """``moment`` (default now) as an aware UTC datetime; a naive one is refused."""
    if moment is None:
        return dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; give it in UTC")
    return moment.astimezone(dt.UTC)
