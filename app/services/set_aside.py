"""Why headquarters set a case aside. Reasons travel in receipts as English text with their
values filled in (the protocol's language); the windows show them in the reader's."""

from __future__ import annotations

import re

from app.domain.errors import N_
from app.i18n import fill
from app.i18n import gettext as _

FORM_NOT_INSTALLED = N_("form {form} version {version} is not installed at headquarters")
NUMBER_TAKEN = N_("the case number {number} belongs to another case here")
WRONG_OFFICE = N_("the case belongs to office {office}, not to the bundle's sender")
ERASED_HERE = N_("the case was erased here")


_REASONS = (FORM_NOT_INSTALLED, NUMBER_TAKEN, WRONG_OFFICE, ERASED_HERE)


def reason_text(reason: str) -> str:
    """A reason for setting a case aside, in the reader's language. Reasons travel in
    receipts as English text with their values filled in (the protocol's language); one
    of ours is recognised and translated, anything else is shown as it came."""
    for template in _REASONS:
        pattern = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>.+?)", pattern)
        if found := re.fullmatch(pattern, reason):
            return fill(_(template), **found.groupdict())
    return reason
