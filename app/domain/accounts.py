"""Local user accounts: roles, what each may do, and the rules for names and passwords."""

from __future__ import annotations

import enum
import re
import unicodedata

from app.domain.errors import (
    N_,
    CannotDisableYourself,
    CannotResetYourOwnPassword,
    HomewardError,
    LastAdministrator,
)
from app.domain.text import control_problem

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class Role(enum.StrEnum):
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.COUNSELLOR: N_("Counsellor"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.ADMIN: N_("Administrator"),
}


class Permission(enum.StrEnum):
    WORK_ON_CASES = "work_on_cases"
    REVIEW_CASES = "review_cases"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_OFFICE = "manage_office"
    ERASE_CASES = "erase_cases"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.COUNSELLOR: frozenset({Permission.WORK_ON_CASES}),
    Role.SUPERVISOR: frozenset(
        {Permission.WORK_ON_CASES, Permission.REVIEW_CASES, Permission.ERASE_CASES}
    ),
    Role.ADMIN: frozenset(Permission),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


def normalise_username(raw: str) -> str:
    """Lower-case NFC form, so 'Anna' and 'anna ' are the same account."""
    return unicodedata.normalize("NFC", raw).strip().casefold()


def username_problem(username: str) -> str | None:
    """Why ``username`` (already normalised) cannot be used, or None."""
    if not _USERNAME.match(username):
        return N_("use 2 to 32 of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("the password must have at least {min_length} characters")
    if not password.strip():
        return N_("the password cannot be only spaces")
    return None


def disable_refusal(
    username: str, *, signed_in: str, role: Role, active: bool, active_admins: int
) -> HomewardError | None:
    """Why the signed-in user may not disable ``username``, or None. An office must keep an
    administrator who can sign in, and nobody locks themselves out by a slip."""
    if username == signed_in:
        return CannotDisableYourself()
    if active and role is Role.ADMIN and active_admins <= 1:
        return LastAdministrator(username=username)
    return None


def reset_refusal(username: str, *, signed_in: str) -> HomewardError | None:
    """Why the signed-in user may not reset ``username``'s password, or None."""
    if username == signed_in:
        return CannotResetYourOwnPassword()
    return None


def new_password_problem(current: str, new: str) -> str | None:
    """Why ``new`` cannot replace ``current``; after a reset, keeping the temporary password
    would leave the account open to whoever set it."""
    if problem := password_problem(new):
        return problem
    if unicodedata.normalize("NFC", new) == unicodedata.normalize("NFC", current):
        return N_("the new password must differ from the current one")
    return None


MAX_DISPLAY_NAME_LENGTH = 200


def display_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a person's name on an account (None when it can)."""
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        return N_("the name has at most 200 characters")
    return control_problem(name)
