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


class SignInDelayed(HomewardError):
    code = "HW009"
    exit_code = 3
    template = N_(
        "Too many wrong passwords for this account: wait {seconds} seconds, then try again."
    )


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


class StoreEmpty(HomewardError):
    code = "HW034"
    template = N_(
        "The case store {path} is empty (0 bytes): it was cut short, for example by a full "
        "disk or a copy that did not finish. Nothing was changed. Put back a copy of it from "
        "your backup (the backups folder beside it holds the copies taken before upgrades)."
    )


class ServerStoreInUse(HomewardError):
    code = "HW077"
    exit_code = 5
    template = N_(
        "The database {path} already holds a Homeward store; nothing was changed. Set up "
        "with an empty database, or open this one from the data folder that set it up."
    )


class StoreOfAnotherInstallation(HomewardError):
    code = "HW078"
    template = N_(
        "The database {path} belongs to another Homeward installation than the key ring in "
        "this data folder; nothing was opened. Check --database-url."
    )


class NotOnServer(HomewardError):
    code = "HW079"
    template = N_(
        "This installation keeps its cases on a PostgreSQL server: the server's administrator "
        "backs it up and restores it (for example with pg_dump), not Homeward."
    )


class NotAServerAddress(HomewardError):
    code = "HW090"
    exit_code = 2
    template = N_(
        "{url} is not a PostgreSQL address; nothing was opened. A headquarters on a server is "
        "given as postgresql+psycopg://user@host/database."
    )
    unreadable = N_(
        "The database address cannot be read (it is not quoted here: it may hold a password); "
        "nothing was opened. A headquarters on a server is given as "
        "postgresql+psycopg://user@host/database."
    )


class KeyRingMissing(HomewardError):
    code = "HW035"
    template = N_(
        "{path} holds a case store but no key ring (keyring.json), so it cannot be opened "
        "or set up again. Put keyring.json back from where it was copied or backed up; to "
        "start a new installation instead, move the old store out of that folder first."
    )


class DataFolderUnusable(HomewardError):
    code = "HW036"
    template = N_(
        "The data folder {path} is a file, not a folder. Choose another folder with "
        "--data-dir, or move that file away."
    )


class BackupUnusable(HomewardError):
    code = "HW037"
    template = N_("The backup {path} cannot be used: {reason}. Nothing was changed.")


class WindowOpen(HomewardError):
    code = "HW038"
    template = N_(
        "Homeward is open in a window on this data folder (process {pid}). Close it first; "
        "nothing was changed."
    )


class CannotWrite(HomewardError):
    code = "HW032"
    template = N_("The file {path} cannot be written: {reason}")


class CannotRead(HomewardError):
    code = "HW076"
    exit_code = 2
    template = N_("The file {path} cannot be read: {reason}")


class CannotPrint(HomewardError):
    code = "HW033"
    template = N_("The printer {printer} cannot be used just now; nothing was printed.")


class InvalidTransition(HomewardError):
    code = "HW040"
    exit_code = 2
    template = N_("A case cannot go from {current} to {target}.")


class RealCasesPresent(HomewardError):
    code = "HW045"
    exit_code = 2
    template = N_(
        "This register already holds {count} real case(s): demo cases would mix with them. "
        "Add them anyway with --alongside-real, or use a separate data folder (--data-dir)."
    )


class CannotDisableYourself(HomewardError):
    code = "HW073"  # was HW050, which form definition errors had first
    exit_code = 3
    template = N_("You cannot disable your own account.")


class LastAdministrator(HomewardError):
    code = "HW051"
    exit_code = 3
    template = N_(
        "{username} is the last active administrator and cannot be disabled: add another "
        "administrator first."
    )


class UserNotFound(HomewardError):
    code = "HW052"
    exit_code = 4
    template = N_("No user named {username}.")


class PasswordChangeRequired(HomewardError):
    code = "HW053"
    exit_code = 3
    template = N_(
        "An administrator reset the password of {username}: choose a new one first, at "
        "sign-in in the app or with 'homeward users passwd'."
    )


class CannotResetYourOwnPassword(HomewardError):
    code = "HW054"
    exit_code = 3
    template = N_("A reset is for other accounts: change your own password instead.")


class CaseIdentityLocked(HomewardError):
    code = "HW075"
    exit_code = 2
    template = N_(
        "Case {case_number} is {status}: its returnee and household can no longer be changed."
    )


class ErasureNotConfirmed(HomewardError):
    code = "HW060"
    exit_code = 2
    template = N_(
        "To erase case {case_number}, type its number again to confirm; nothing was erased."
    )


class OperationCancelled(HomewardError):
    """The person cancelled long work; shown nowhere (a cancel is silent), nothing kept."""

    code = "HW061"
    exit_code = 130
    template = N_("Cancelled: nothing was changed.")


class KeyFingerprintMismatch(HomewardError):
    code = "HW062"
    exit_code = 2
    template = N_(
        "The key in this file has the fingerprint {fingerprint}, not the one given: it was not "
        "trusted. Ask the sender to read their fingerprint again."
    )


class KeyRoleRefused(HomewardError):
    code = "HW063"
    exit_code = 2
    template = N_(
        "This is the key of an installation in the role {role}: an office trusts only its "
        "headquarters' key, and headquarters only offices' keys."
    )


class KeyNotTrusted(HomewardError):
    code = "HW064"
    exit_code = 3
    template = N_("The key {fingerprint} is not trusted here (unknown, replaced or revoked).")


class PeerKeyConflict(HomewardError):
    code = "HW071"
    exit_code = 2
    template = N_(
        "A key of {office} is already trusted ({fingerprint}). A new one is accepted only "
        "through a rotation statement signed by the old key, or after revoking the old key."
    )


class NoHeadquartersKey(HomewardError):
    code = "HW072"
    exit_code = 3
    template = N_(
        "No headquarters key is trusted yet: get HQ's key file and trust it first "
        "('homeward keys trust FILE --fingerprint …' or Office ▸ Keys for bundles)."
    )


class NothingToExport(HomewardError):
    code = "HW067"
    exit_code = 0
    template = N_("Nothing new to send: no bundle was written.")


class UnknownOffice(HomewardError):
    code = "HW068"
    exit_code = 2
    template = N_("No trusted office {office}: trust its key first.")


class BundleOutOfOrder(HomewardError):
    code = "HW069"
    exit_code = 5
    template = N_(
        "This bundle from {office} is number {sequence}, but number {last} was already "
        "imported, or the series does not follow on from it: it was refused and nothing changed."
    )


class BundleSenderMismatch(HomewardError):
    code = "HW070"
    exit_code = 5
    template = N_(
        "This bundle claims to come from {office}, but its signature is not that office's "
        "trusted key: it was refused and nothing changed."
    )


# Bundles and key documents (app.bundles). The codes name what a person does about it; the
# subclasses say precisely what was found, each with its own message.


class BundleFileRefused(HomewardError):
    """The file itself cannot be taken: not a regular file, over the size cap, unreadable."""

    code = "HW046"
    exit_code = 2
    template = N_("{path} cannot be imported as a bundle. Nothing was imported.")


class BundleNotAFile(BundleFileRefused):
    template = N_(
        "{path} is not a file (it is a folder, a device or a pipe): choose the bundle file "
        "itself. Nothing was imported."
    )


class BundleTooLarge(BundleFileRefused):
    template = N_(
        "The bundle {path} is larger than the limit of {limit_mb} MB. Nothing was imported."
    )


class BundleUnreadable(BundleFileRefused):
    template = N_(
        "The bundle {path} cannot be read ({reason}); if it is on a USB stick, check that the "
        "stick is still plugged in. Nothing was imported."
    )


class BundleWrongRecipient(HomewardError):
    code = "HW047"
    exit_code = 2
    template = N_(
        "The bundle {path} was not written for this installation: it is encrypted for another "
        "key. Nothing was imported."
    )


class BundleSenderUnknown(HomewardError):
    code = "HW048"
    exit_code = 3
    template = N_(
        "The bundle {path} was signed with a key this installation does not trust "
        "({fingerprint}). Nothing was imported. Check that key with its sender by phone, "
        "then trust it."
    )


class BundleDamaged(HomewardError):
    """Damaged, altered, forged or of another kind: the bundle (or key document) is refused."""

    code = "HW049"
    exit_code = 2
    template = N_(
        "The bundle {path} is damaged or was changed after it was written. Nothing was imported."
    )


class NotABundle(BundleDamaged):
    template = N_("{path} is not a Homeward bundle. Nothing was imported.")


class BundleIncomplete(BundleDamaged):
    template = N_(
        "The bundle {path} is incomplete or damaged at its end (cut short, or bytes added), "
        "for example by a copy that did not finish. Nothing was imported; copy it again "
        "from the sender."
    )


class BundleTrailingData(BundleDamaged):
    template = N_("The bundle {path} holds data after its signed end. Nothing was imported.")


class BundleSignatureInvalid(BundleDamaged):
    template = N_(
        "The signature of the bundle {path} does not match its content: it was changed after "
        "it was signed, or forged. Nothing was imported."
    )


class BundleWrongKind(BundleDamaged):
    template = N_("{path} is {found}, not {expected}. Nothing was imported.")


class BundleVersionUnsupported(BundleDamaged):
    template = N_(
        "The bundle {path} uses format version {version}, which this version of Homeward "
        "cannot read. Nothing was imported; install the newer version of Homeward."
    )


class BundleRecordInvalid(BundleDamaged):
    template = N_(
        "The bundle {path} holds a record that breaks the bundle format (record {number}: "
        "{problem}). Nothing was imported."
    )


class KeyDocumentInvalid(BundleDamaged):
    template = N_("This is not a valid {expected}: {problem}. Nothing was changed.")


class CaseErased(CaseNotFound):
    """Same code as not found (scripts that test for it keep working), with the reason."""

    template = N_("Case {case_number} was erased on {date}; only its tombstone is left.")


class ConflictNotFound(HomewardError):
    code = "HW074"
    exit_code = 4
    template = N_("No open conflict number {number}: it may have been settled already.")
