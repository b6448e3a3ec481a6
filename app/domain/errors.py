"""Errors with stable codes and translatable message templates.

Templates are gettext message ids (marked with :func:`N_`); the layer that shows an error
translates it, so the domain stays free of any catalogue. Codes never change once released:
scripts and logs rely on them.
"""

from __future__ import annotations

from typing import ClassVar


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here."""
    return message


class Msgid(str):
    """A message parameter that is itself a message id, translated when the message is."""

    __slots__ = ()


class HomewardError(Exception):
    """A failure the user can understand and act on."""

    code: ClassVar[str] = "HW000"
    exit_code: ClassVar[int] = 1
    template: ClassVar[str] = N_("Something went wrong.")

    def __init__(self, template: str | None = None, **params: object) -> None:
        self.message_template = template or self.template
        self.params = params
        super().__init__(self.message_template.format(**params))


class NotInitialised(HomewardError):
    code = "HW001"
    template = N_("No Homeward installation in {path}. Run 'homeward init' first.")


class AlreadyInitialised(HomewardError):
    code = "HW002"
    exit_code = 5
    template = N_("Homeward is already set up in {path}; nothing was changed.")


class AuthenticationFailed(HomewardError):
    code = "HW003"
    exit_code = 3
    template = N_("Wrong user name or password.")


class AccountDisabled(HomewardError):
    code = "HW004"
    exit_code = 3
    template = N_("The account {username} is disabled.")


class PasswordRequired(HomewardError):
    code = "HW005"
    exit_code = 3
    template = N_("A password is needed: type it at the prompt or set HOMEWARD_PASSWORD.")


class NewPasswordRequired(HomewardError):
    code = "HW008"
    exit_code = 3
    template = N_(
        "A password for the new account is needed: type it at the prompt or set "
        "HOMEWARD_NEW_PASSWORD."
    )


class PasswordMismatch(HomewardError):
    code = "HW007"
    exit_code = 2
    template = N_("The two passwords differ.")


class NotPermitted(HomewardError):
    code = "HW006"
    exit_code = 3
    template = N_("Your role ({role}) does not allow this.")


class CaseNotFound(HomewardError):
    code = "HW010"
    exit_code = 4
    template = N_("No case with the number {case_number}.")


class InvalidInput(HomewardError):
    """One or more fields are wrong; ``problems`` maps field name to a message template."""

    code = "HW020"
    exit_code = 2
    template = N_("Please correct: {summary}")

    def __init__(self, problems: dict[str, str], **params: object) -> None:
        self.problems = dict(problems)
        summary = "; ".join(text.format(**params) for text in problems.values())
        super().__init__(None, summary=summary, **params)


class DuplicateUser(HomewardError):
    code = "HW021"
    exit_code = 5
    template = N_("A user named {username} already exists.")


class StoreTooNew(HomewardError):
    code = "HW030"
    template = N_(
        "This data was written by a newer version of Homeward ({revision}). "
        "Install the newer version to open it."
    )


class StoreUnreadable(HomewardError):
    code = "HW031"
    template = N_("The case store in {path} cannot be read: {reason}")


class CannotWrite(HomewardError):
    code = "HW032"
    template = N_("The file {path} cannot be written: {reason}")


class InvalidTransition(HomewardError):
    code = "HW040"
    exit_code = 2
    template = N_("A case cannot go from {current} to {target}.")


class CaseIdentityLocked(HomewardError):
    code = "HW075"
    exit_code = 2
    template = N_(
        "Case {case_number} is {status}: its returnee and household can no longer be changed."
    )
