"""The ``homeward`` command. Without a sub-command it starts the desktop app.

Every failure ends with one line on stderr and a non-zero exit code; the exit codes are
stable (see README): 1 general, 2 bad input, 3 sign-in, 4 not found, 5 already exists.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app import __version__
from app.applog import configure_logging
from app.config import (
    PASSWORD_ENV,
    USER_ENV,
    DataPaths,
    load_settings,
    resolve_data_dir,
    restrict_permissions,
)
from app.domain.errors import (
    N_,
    DataFolderUnusable,
    HomewardError,
    InvalidInput,
    NewPasswordRequired,
    NotInitialised,
    PasswordMismatch,
    PasswordRequired,
)
from app.domain.text import printable
from app.i18n import gettext as _
from app.i18n import ngettext, set_language, translate_error
from app.i18n.failures import known_failure
from app.i18n.languages import LANGUAGE_CODES

if TYPE_CHECKING:
    from app.services.workspace import Workspace

log = logging.getLogger("homeward.cli")
NEW_PASSWORD_ENV = "HOMEWARD_NEW_PASSWORD"
RECOVERY_KEY_ENV = "HOMEWARD_RECOVERY_KEY"
RECOVERY_KEY_NEEDED = N_("type the recovery key at the prompt or set HOMEWARD_RECOVERY_KEY")
Handler = Callable[[argparse.Namespace, DataPaths], int]


MAX_LIMIT = 1_000_000


def _output_file(text: str, option: str) -> Path:
    """A file the command writes: a name in an existing folder (what may not be there, and
    the data folder, the service refuses)."""
    out = Path(text)
    if out.is_dir() or not out.parent.is_dir():
        raise InvalidInput({option: N_("the output file must be in an existing folder")})
    return out


def _whole_number(low: int, high: int, refusal: str) -> Callable[[str], int]:
    """An argparse type: digits only (a sign, a space or 10**23 is refused before int())."""

    def parse(text: str) -> int:
        digits = text.strip()
        if not digits.isdigit() or len(digits) > len(str(high)) or not low <= int(digits) <= high:
            raise argparse.ArgumentTypeError(refusal)
        return int(digits)

    return parse


_minutes = _whole_number(1, 240, "a whole number of minutes from 1 to 240")
_limit = _whole_number(0, MAX_LIMIT, f"a whole number from 0 to {MAX_LIMIT}")
_years = _whole_number(1, 50, "a whole number of years from 1 to 50")
_ERASURE_REASONS = ("request", "retention", "mistake")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end like every other failure: one line on stderr, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="homeward",
        description="Offline counselling for Assisted Voluntary Return and Reintegration.",
    )
    parser.add_argument("--version", action="version", version=f"homeward {__version__}")
    parser.add_argument(
        "--data-dir",
        help="installation folder (default: $HOMEWARD_DATA_DIR, then the "
        "platform's user data folder)",
    )
    parser.add_argument(
        "--user", help=f"account to sign in with (default: ${USER_ENV}, then the first admin)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="start the desktop app (the default)")

    init = commands.add_parser("init", help="set up this installation and its first admin")
    init.add_argument("--role", choices=["office", "hq"], required=True)
    init.add_argument("--office", required=True, metavar="CODE", help="office code, e.g. SK")
    init.add_argument("--office-name", required=True, metavar="NAME")
    init.add_argument("--admin", required=True, metavar="USER", help="first admin's user name")
    init.add_argument("--admin-name", default="", metavar="NAME", help="admin's full name")

    demo = commands.add_parser("demo", help="add realistic synthetic cases")
    demo_action = demo.add_mutually_exclusive_group(required=True)
    demo_action.add_argument("--cases", type=int, metavar="N")
    demo_action.add_argument(
        "--remove", action="store_true", help="delete every demo case (real cases stay)"
    )
    demo.add_argument("--seed", type=int, default=None, metavar="S")
    demo.add_argument(
        "--alongside-real",
        action="store_true",
        help="add demo cases even though the register holds real cases",
    )

    cases = commands.add_parser("cases", help="list or search cases")
    cases.add_argument("--search", default="", metavar="TEXT")
    cases.add_argument("--limit", type=_limit, default=0, metavar="N", help="at most N (0: all)")
    cases.add_argument("--json", action="store_true", help="one JSON document on stdout")

    case = commands.add_parser("case", help="show one case")
    case.add_argument("case_number", metavar="CASE_NUMBER")
    case.add_argument("--json", action="store_true")

    printing = commands.add_parser("print", help="print a form of a case to a PDF file")
    printing.add_argument("case_number", metavar="CASE_NUMBER")
    printing.add_argument("--form", choices=["request", "plan", "consent"], required=True)
    printing.add_argument("--lang", default=None, help="migrant's language (default: the case's)")
    printing.add_argument("--paper", choices=["A4", "Letter"], default="A4")
    printing.add_argument("--out", required=True, metavar="FILE.pdf")

    users = commands.add_parser("users", help="list, add, disable user accounts; passwords")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    users_commands.add_parser("list", help="list accounts").add_argument(
        "--json", action="store_true"
    )
    add = users_commands.add_parser("add", help="add an account (admins only)")
    add.add_argument("username")
    add.add_argument("--role", choices=["counsellor", "supervisor", "admin"], required=True)
    add.add_argument("--name", default="", help="full name")
    disable = users_commands.add_parser("disable", help="disable an account (admins only)")
    disable.add_argument("username")
    reset = users_commands.add_parser(
        "reset-password",
        help="give an account a temporary password (from $HOMEWARD_NEW_PASSWORD or a prompt), "
        "to be changed at its next sign-in; enables a disabled account (admins only)",
    )
    reset.add_argument("username")
    users_commands.add_parser(
        "recovery-key",
        help="issue a new recovery key (the old one stops working; admins only)",
    )
    recover = commands.add_parser(
        "recover",
        help="every password lost: give an administrator a new password with the recovery key "
        "($HOMEWARD_RECOVERY_KEY or a prompt; new password: $HOMEWARD_NEW_PASSWORD or a prompt)",
    )
    recover.add_argument("--admin", required=True, metavar="USER", dest="recover_admin")
    users_commands.add_parser(
        "passwd",
        help="change your own password (current: $HOMEWARD_PASSWORD or a prompt; new: "
        "$HOMEWARD_NEW_PASSWORD or a prompt)",
    )

    office = commands.add_parser("office", help="show or change the budget cap and rates")
    office.add_argument("--budget-cap", type=int, metavar="EUR", help="cap per returnee")
    office.add_argument(
        "--rate", action="append", default=[], metavar="CUR=RATE",
        help="value of one unit of CUR in EUR, e.g. USD=0.86 (repeatable)",
    )  # fmt: skip
    office.add_argument("--rates-date", metavar="YYYY-MM-DD", help="date of the rates")
    office.add_argument(
        "--auto-lock", type=_minutes, metavar="MINUTES",
        help="idle minutes (1-240) before the window hides case data and asks for the password",
    )  # fmt: skip
    office.add_argument(
        "--retention-years", type=_years, metavar="YEARS",
        help="years (1-50) an ended case is kept after its last change before 'purge' erases it",
    )  # fmt: skip
    office.add_argument("--json", action="store_true")

    backup = commands.add_parser("backup", help="write a checked backup file (administrators)")
    backup.add_argument("--to", required=True, metavar="FILE", dest="backup_to")
    restore = commands.add_parser(
        "restore", help="put a backup back in place of the store (the old one is kept)"
    )
    restore.add_argument("backup_file", metavar="FILE")

    returnee_data = commands.add_parser(
        "returnee-data",
        help="everything held about one returnee (JSON and the printed forms), on request",
    )
    returnee_data.add_argument("case_number", metavar="CASE_NUMBER")
    returnee_data.add_argument("--to", required=True, metavar="FOLDER", dest="data_to")

    erase = commands.add_parser(
        "erase", help="erase a case for good, leaving only a tombstone (supervisors)"
    )
    erase.add_argument("case_number", metavar="CASE_NUMBER")
    erase.add_argument(
        "--reason", required=True, choices=_ERASURE_REASONS, metavar="REASON",
        help="request (the returnee asked), retention (period passed) or mistake",
    )  # fmt: skip
    erase.add_argument(
        "--confirm", required=True, metavar="CASE_NUMBER", help="the case number once more"
    )
    purge = commands.add_parser(
        "purge", help="erase ended cases past the office's retention period, with a report"
    )
    purge.add_argument("--dry-run", action="store_true", help="list the cases due; erase none")
    purge.add_argument("--json", action="store_true")

    keys = commands.add_parser(
        "keys", help="this installation's bundle keys and the keys it trusts"
    )
    keys_commands = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    keys_show = keys_commands.add_parser("show", help="the public keys' fingerprint, to read aloud")
    keys_show.add_argument("--json", action="store_true")
    keys_export = keys_commands.add_parser("export", help="write the signed public key file")
    keys_export.add_argument("--out", required=True, metavar="FILE")
    keys_trust = keys_commands.add_parser(
        "trust", help="trust HQ's key file (at an office) or an office's (at HQ)"
    )
    keys_trust.add_argument("key_file", metavar="FILE")
    keys_trust.add_argument(
        "--fingerprint", metavar="FP",
        help="the fingerprint the sender read to you; without it, the file's is shown only",
    )  # fmt: skip
    keys_rotate = keys_commands.add_parser(
        "rotate", help="new keys; writes the rotation statement for the peers"
    )
    keys_rotate.add_argument("--out", required=True, metavar="FILE")
    keys_accept = keys_commands.add_parser(
        "accept", help="apply a peer's rotation or revocation statement"
    )
    keys_accept.add_argument("key_file", metavar="FILE")
    keys_revoke_own = keys_commands.add_parser(
        "revoke-own", help="this installation's key may be copied: a revocation statement for "
        "the peers, and new keys",
    )  # fmt: skip
    keys_revoke_own.add_argument("--out", required=True, metavar="FILE")
    keys_revoke_own.add_argument(
        "--reason", required=True, choices=("compromised", "lost", "retired"), metavar="REASON",
        help="compromised, lost or retired",
    )  # fmt: skip
    keys_revoke = keys_commands.add_parser("revoke", help="stop trusting a peer's key")
    keys_revoke.add_argument("fingerprint", metavar="FP")
    keys_list = keys_commands.add_parser("list", help="the keys this installation trusts")
    keys_list.add_argument("--json", action="store_true")

    export = commands.add_parser(
        "export", help="write a bundle: cases for HQ (office) or receipts and decisions (hq)"
    )
    export.add_argument("--to", required=True, metavar="DIR|FILE", dest="export_to")
    export.add_argument("--all", action="store_true", help="every case, not only what HQ lacks")
    export.add_argument("--office", metavar="CODE", help="at HQ: the office to answer")
    export.add_argument(
        "--demo", action="store_true", help="include demo cases (training with a demo HQ)"
    )
    export.add_argument("--json", action="store_true")
    import_ = commands.add_parser(
        "import", help="import bundles (cases at HQ; receipts at an office)"
    )
    import_.add_argument("bundle_files", nargs="+", metavar="FILE")
    import_.add_argument("--json", action="store_true")

    audit = commands.add_parser("audit", help="check the audit trail's hash chain")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_verify = audit_commands.add_parser("verify", help="report the first broken link")
    audit_verify.add_argument("--json", action="store_true")

    status = commands.add_parser(
        "status", help="move a case on: submitted, decision received, implementation, closed"
    )
    status.add_argument("case_number", metavar="CASE_NUMBER")
    status.add_argument(
        "target", choices=list(_STATUS_MOVES), metavar="STATUS",
        help="one of: " + ", ".join(_STATUS_MOVES) + " (planning: revise a rejected plan)",
    )  # fmt: skip
    status.add_argument(
        "--reason", default="", metavar="TEXT",
        help="the decision's reason (required for rejected); for other moves, a note",
    )  # fmt: skip
    status.add_argument(
        "--amount", action="append", default=[], metavar="ITEM=AMOUNT[:CUR]",
        help="approved amount of assistance item ITEM (from 1), in the item's currency unless "
        "CUR (the item's or EUR) is given; repeatable",
    )  # fmt: skip
    status.add_argument("--decided-on", metavar="YYYY-MM-DD", help="default: today")
    status.add_argument("--reference", default="", metavar="REF", help="e.g. HQ's letter number")
    status.add_argument("--json", action="store_true")

    languages = commands.add_parser("languages", help="supported languages")
    languages.add_argument("--json", action="store_true")
    return parser


def _interface_language(paths: DataPaths) -> str:
    chosen = load_settings(paths).get("interface_language")
    if isinstance(chosen, str) and chosen in LANGUAGE_CODES:
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(variable, "")[:2]
        if code in LANGUAGE_CODES:
            return code
    return "en"


def _password(prompt: str, *, confirm: bool = False) -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise PasswordRequired()
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat the password: ")) != first:
        raise PasswordMismatch()
    return first


NEW_PASSWORD_NEEDED = N_(
    "A new password is needed: type it at the prompt or set HOMEWARD_NEW_PASSWORD."
)


def _new_account_password(username: str, *, needed: str | None = None) -> str:
    """Another account's password (new, or temporary after a reset), or the signed-in user's
    new one: never the HOMEWARD_PASSWORD that signs in."""
    from_env = os.environ.get(NEW_PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise NewPasswordRequired(needed)
    first = getpass.getpass(_("Password for {user}: ").format(user=username))
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise PasswordMismatch()
    return first


def _unlock(args: argparse.Namespace, paths: DataPaths) -> Workspace:
    from app.services.workspace import unlock

    if not paths.is_initialised():
        from app.domain.errors import NotInitialised

        raise NotInitialised(path=str(paths.root))
    username = args.user or os.environ.get(USER_ENV) or None
    return unlock(paths, username, _password(_("Password: ")))


# JSON escapes C0 controls itself; DEL, C1 controls and bidi overrides it leaves raw, and a
# terminal would act on them. (They can only stand inside strings, so escaping is safe.)
_RAW_CONTROLS = re.compile("[\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def _emit_json(document: object) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def _cmd_gui(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.ui.application import run_gui

    return run_gui(paths)


def _cmd_init(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.errors import AlreadyInitialised
    from app.services.workspace import initialise

    if paths.is_initialised():
        raise AlreadyInitialised(path=str(paths.root))
    admin_password = _password(_("Password for the new admin: "), confirm=True)
    info = initialise(
        paths,
        role=args.role,
        office_code=args.office,
        office_name=args.office_name,
        admin_username=args.admin,
        admin_password=admin_password,
        admin_display_name=args.admin_name,
    )
    print(
        _("Set up {role} installation for office {code} ({name}) in {path}.").format(
            role=info.role, code=info.office_code, name=info.office_name, path=paths.root
        )
    )
    from app.services.recovery import issue_recovery_key
    from app.services.workspace import unlock

    workspace = unlock(paths, args.admin, admin_password)
    try:
        _print_recovery_key(issue_recovery_key(workspace))
    finally:
        workspace.close()
    return 0


def _print_recovery_key(key: str) -> None:
    print(_("Recovery key (write it on paper now and lock it away; it is shown only once and "
            "opens the store when every password is lost):"))  # fmt: skip
    print(f"    {key}")


def _cmd_recover(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.recovery import recover

    key = os.environ.get(RECOVERY_KEY_ENV)
    if not key:
        if not sys.stdin.isatty():
            raise InvalidInput({"recovery_key": RECOVERY_KEY_NEEDED})
        key = getpass.getpass(_("Recovery key: "))
    password = _new_account_password(args.recover_admin, needed=NEW_PASSWORD_NEEDED)
    recover(paths, key, args.recover_admin, password)
    print(_("{user} has a new password; sign in with it.").format(user=args.recover_admin))
    return 0


def _cmd_demo(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.demo import add_demo_cases, remove_demo_cases

    if not args.remove and not 1 <= args.cases <= 100_000:
        raise InvalidInput({"cases": N_("the number of demo cases is between 1 and 100000")})
    workspace = _unlock(args, paths)
    try:
        if args.remove:
            removed = remove_demo_cases(workspace)
            print(_("Removed {count} demo cases.").format(count=removed))
            return 0
        created = add_demo_cases(
            workspace, args.cases, seed=args.seed, alongside_real=args.alongside_real
        )
    finally:
        workspace.close()
    print(_("Added {count} demo cases.").format(count=created))
    return 0


def _case_json(row: Any) -> dict[str, object]:
    return {
        "case_number": row.case_number,
        "uuid": str(row.uuid),
        "given_name": row.given_name,
        "family_name": row.family_name,
        "date_of_birth": row.date_of_birth.isoformat() if row.date_of_birth else None,
        "nationality": row.nationality,
        "country_of_return": row.country_of_return,
        "region_of_return": row.region_of_return,
        "status": row.status.value,
        "session_language": row.session_language,
        "updated_at": row.updated_at.isoformat(),
    }


def _cmd_cases(args: argparse.Namespace, paths: DataPaths) -> int:
    from contextlib import closing
    from itertools import islice

    from app.services.cases import CaseQuery, CaseRegister, SortKey

    workspace = _unlock(args, paths)
    try:
        query = CaseQuery(text=args.search, sort=SortKey.CASE_NUMBER, descending=False)
        listing = CaseRegister(workspace).listing(query)
        total = listing.total or 0
        # Rows stream from the store a page at a time, so memory stays flat at any size.
        with closing(listing.rows(page_size=min(args.limit or 1000, 1000))) as rows:
            limited = islice(rows, args.limit) if args.limit > 0 else rows
            if args.json:
                _stream_cases_json(total, limited)
                return 0
            shown = 0
            for row in limited:
                name = printable(f"{row.family_name.upper()} {row.given_name}".strip())
                born = row.date_of_birth.isoformat() if row.date_of_birth else "?"
                print(
                    f"{row.case_number}  {name:<32}  {born:<10}  {row.country_of_return}  "
                    f"{row.status.value}"
                )
                shown += 1
    finally:
        workspace.close()
    print(_("{shown} of {total} cases").format(shown=shown, total=total), file=sys.stderr)
    return 0


def _stream_cases_json(total: int, rows: Iterable[Any]) -> None:
    """Write what ``_emit_json({"total": total, "cases": [...]})`` would, case by case.

    Each case is laid out here as ``json.dumps(indent=2)`` lays it out, its values encoded by
    the C encoder (with an indent, json falls back to its pure-Python encoder: 5x slower)."""
    from json.encoder import encode_basestring  # the C one where there is one

    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    keys: dict[str, str] = {}

    def field(key: str, value: object) -> str:
        name = keys.get(key) or keys.setdefault(key, f"      {encode(key)}: ")
        return name + (encode_basestring(value) if isinstance(value, str) else encode(value))

    def laid_out(case: dict[str, object]) -> str:
        return "    {\n" + ",\n".join(field(k, v) for k, v in case.items()) + "\n    }"

    def write(text: str) -> None:
        sys.stdout.write(_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text))

    write(f'{{\n  "total": {encode(total)},\n  "cases": [')
    chunk: list[str] = []
    written = False
    for row in rows:
        chunk.append(laid_out(_case_json(row)))
        if len(chunk) == 500:
            write(("," if written else "") + "\n" + ",\n".join(chunk))
            chunk, written = [], True
    if chunk:
        write(("," if written else "") + "\n" + ",\n".join(chunk))
        written = True
    write("\n  ]\n}\n" if written else "]\n}\n")


def _cmd_case(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.cases import CaseRegister

    workspace = _unlock(args, paths)
    try:
        detail = CaseRegister(workspace).detail(args.case_number)
    finally:
        workspace.close()
    document = _case_json(detail.row) | {
        "native_name": detail.native_name,
        "sex": detail.sex.value,
        "revision": detail.revision,
        "created_at": detail.created_at.isoformat(),
        "created_by": detail.created_by,
        "household": [
            {
                "given_name": m.given_name,
                "family_name": m.family_name,
                "date_of_birth": m.date_of_birth.isoformat() if m.date_of_birth else None,
                "sex": m.sex.value,
                "relationship": m.relationship.value,
                "returns_together": m.returns_together,
            }
            for m in detail.household
        ],
    }
    if args.json:
        _emit_json(document)
        return 0
    members = document.pop("household")
    for key, value in document.items():
        print(f"{key}: {value}")
    for member in members:
        print("household: " + ", ".join(f"{key}={value}" for key, value in member.items()))
    return 0


def _cmd_print(args: argparse.Namespace, paths: DataPaths) -> int:

    from app.services.printing import PrintForm, Printing

    out = _output_file(args.out, "out")
    workspace = _unlock(args, paths)
    try:
        result = Printing(workspace).print_to_file(
            args.case_number, PrintForm(args.form), out, args.lang, args.paper
        )
    finally:
        workspace.close()
    print(
        ngettext(
            "Wrote {path} ({pages} page, plan revision {revision}).",
            "Wrote {path} ({pages} pages, plan revision {revision}).",
            result.pages,
        ).format(path=out, pages=result.pages, revision=result.plan_revision)
    )
    return 0


def _cmd_users(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.accounts import Role
    from app.services.accounts import (
        add_account,
        disable_account,
        list_accounts,
        reset_password,
    )

    if args.users_command == "passwd":
        return _users_passwd(args, paths)
    workspace = _unlock(args, paths)
    try:
        if args.users_command == "add":
            password = _new_account_password(args.username)
            account = add_account(workspace, args.username, args.name, Role(args.role), password)
            print(_("Added {user} ({role}).").format(user=account.username, role=account.role))
            return 0
        if args.users_command == "disable":
            account = disable_account(workspace, args.username)
            print(_("Disabled {user}.").format(user=account.username))
            return 0
        if args.users_command == "recovery-key":
            from app.services.recovery import issue_recovery_key

            _print_recovery_key(issue_recovery_key(workspace))
            return 0
        if args.users_command == "reset-password":
            password = _new_account_password(args.username, needed=NEW_PASSWORD_NEEDED)
            account = reset_password(workspace, args.username, password)
            print(
                _("Reset the password of {user}; a new one is chosen at the next sign-in.").format(
                    user=account.username
                )
            )
            return 0
        accounts = list_accounts(workspace)
    finally:
        workspace.close()
    if args.json:
        _emit_json(
            [
                {
                    "username": a.username,
                    "name": a.display_name,
                    "role": a.role.value,
                    "active": a.active,
                    "must_change_password": a.must_change_password,
                    "last_sign_in": a.last_login_at.isoformat() if a.last_login_at else None,
                }
                for a in accounts
            ]
        )
    else:
        for a in accounts:
            state = "active" if a.active else "disabled"
            flag = "  must-change-password" if a.must_change_password else ""
            name = printable(a.display_name)
            print(f"{a.username:<20} {a.role.value:<11} {state:<9} {name}{flag}")
    return 0


def _users_passwd(args: argparse.Namespace, paths: DataPaths) -> int:
    """The signed-in user's own password; the one way to replace a temporary password here."""
    from app.domain.errors import NotInitialised
    from app.services.accounts import change_password, change_temporary_password
    from app.services.workspace import unlock

    if not paths.is_initialised():
        raise NotInitialised(path=str(paths.root))
    username = args.user or os.environ.get(USER_ENV) or None
    current = _password(_("Current password: "))
    workspace = unlock(paths, username, current, allow_temporary_password=True)
    try:
        new = _new_account_password(workspace.user.username, needed=NEW_PASSWORD_NEEDED)
        if workspace.user.must_change_password:
            change_temporary_password(workspace, current, new)
        else:
            change_password(workspace, current, new)
    finally:
        workspace.close()
    print(_("Changed the password of {user}.").format(user=workspace.user.username))
    return 0


def _cmd_office(args: argparse.Namespace, paths: DataPaths) -> int:
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    from app.services.erasure import retention_years, set_retention_years
    from app.services.office import (
        auto_lock_minutes,
        budget_settings,
        set_auto_lock_minutes,
        set_budget,
    )

    rates: dict[str, Decimal] = {}
    for text in args.rate:
        code, _sep, value = text.partition("=")
        try:
            rates[code.strip().upper()] = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidInput(
                {f"rate.{code}": N_("an exchange rate is a number above 0")}
            ) from None
    try:
        rates_date = dt.date.fromisoformat(args.rates_date) if args.rates_date else None
    except ValueError:
        raise InvalidInput({"rates_date": N_("write the date as YYYY-MM-DD")}) from None
    if rates_date is not None and not rates:
        raise InvalidInput({"rates_date": N_("give the rates that this date belongs to")})
    workspace = _unlock(args, paths)
    try:
        if args.retention_years is not None:
            set_retention_years(workspace, args.retention_years)
        years = retention_years(workspace)
        if args.auto_lock is not None:
            set_auto_lock_minutes(workspace, args.auto_lock)
        if args.budget_cap is not None or rates:
            settings = set_budget(
                workspace, cap_eur=args.budget_cap, rates=rates, rates_date=rates_date
            )
        else:
            settings = budget_settings(workspace)
    finally:
        workspace.close()
    document = {
        "auto_lock_minutes": auto_lock_minutes(paths),
        "retention_years": years,
        "budget_cap_eur": str(settings.cap_eur),
        "rates_to_eur": {code: format(rate, "f") for code, rate in settings.rates_to_eur.items()},
        "rates_date": settings.rates_date.isoformat() if settings.rates_date else None,
        "indicative_rates": settings.indicative,
    }
    if args.json:
        _emit_json(document)
    else:
        print(f"budget_cap_eur: {settings.cap_eur}")
        print(f"auto_lock_minutes: {document['auto_lock_minutes']}")
        print(f"retention_years: {years}")
        print(
            f"rates_date: {document['rates_date']}{' (indicative)' if settings.indicative else ''}"
        )
        for code, rate in document["rates_to_eur"].items():
            print(f"{code} {rate}")
    return 0


_STATUS_MOVES = ("submitted", "approved", "rejected", "in_implementation", "closed", "planning")
_AMOUNT_FORMAT = N_("write each amount as ITEM=AMOUNT or ITEM=AMOUNT:CUR, e.g. 1=500 or 2=9000:GEL")


def _cmd_backup(args: argparse.Namespace, paths: DataPaths) -> int:

    from app.services.backup import back_up

    out = _output_file(args.backup_to, "to")
    workspace = _unlock(args, paths)
    try:
        info = back_up(workspace, out)
    finally:
        workspace.close()
    print(_("Backup written to {path} and checked ({size} MB of store).").format(
        path=info.path, size=round(info.store_bytes / 1_000_000, 1)))  # fmt: skip
    return 0


def _cmd_restore(args: argparse.Namespace, paths: DataPaths) -> int:

    from app.services.backup import restore

    if not paths.root.is_dir():
        raise NotInitialised(path=str(paths.root))
    password = _password(_("Password (an account in the backup): "))
    kept = restore(paths, Path(args.backup_file), args.user or os.environ.get(USER_ENV),
                   password)  # fmt: skip
    print(_("Backup restored. The store it replaced is kept in {path}.").format(path=kept))
    return 0


def _cmd_returnee_data(args: argparse.Namespace, paths: DataPaths) -> int:

    from app.services.returnee_data import export_returnee_data

    workspace = _unlock(args, paths)
    try:
        target = export_returnee_data(workspace, args.case_number, Path(args.data_to))
    finally:
        workspace.close()
    print(_("Everything held about the returnee of {case} is in {path}.").format(
        case=args.case_number.strip().upper(), path=target))  # fmt: skip
    return 0


def _cmd_erase(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.erasure import ErasureReason
    from app.services.erasure import erase_case

    workspace = _unlock(args, paths)
    try:
        erased = erase_case(workspace, args.case_number, ErasureReason(args.reason),
                            confirmation=args.confirm)  # fmt: skip
    finally:
        workspace.close()
    print(_("Case {case} is erased; a tombstone keeps its number so it cannot come back.").format(
        case=erased.case_number))  # fmt: skip
    return 0


def _cmd_purge(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.erasure import due_for_retention, purge_report_text, purge_retention

    workspace = _unlock(args, paths)
    try:
        if args.dry_run:
            due = due_for_retention(workspace)
            if args.json:
                _emit_json({"due": [
                    {"case_number": c.case_number, "status": c.status.value,
                     "last_change": c.last_change.isoformat()} for c in due
                ]})  # fmt: skip
            else:
                print(_("{count} ended cases are past the retention period.").format(
                    count=len(due)))  # fmt: skip
                for candidate in due:
                    print(f"{candidate.case_number}  {candidate.status.value}  "
                          f"{candidate.last_change.date().isoformat()}")  # fmt: skip
            return 0
        report = purge_retention(workspace)
    finally:
        workspace.close()
    if args.json:
        _emit_json({
            "office": report.office_code, "retention_years": report.retention_years,
            "cutoff": report.cutoff.isoformat(), "erased_by": report.erased_by,
            "at": report.at.isoformat(),
            "erased": [{"case_number": e.case_number, "status": e.status.value,
                        "last_change": e.last_change.isoformat()} for e in report.erased],
        })  # fmt: skip
    else:
        print(purge_report_text(report))
    return 0


def _cmd_keys(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services import keys

    workspace = _unlock(args, paths)
    try:
        action = args.keys_command
        if action == "show":
            own = keys.own_keys(workspace)
            if args.json:
                _emit_json(
                    {
                        "fingerprint": own.fingerprint,
                        "role": own.role,
                        "office": own.office_code,
                        "created_at": own.created_at.isoformat(),
                    }
                )
            else:
                print(
                    _("Fingerprint of {office} ({role}): {fingerprint}").format(
                        office=own.office_code, role=own.role, fingerprint=own.fingerprint
                    )
                )
        elif action == "export":
            fingerprint = keys.export_public_keys(workspace, _output_file(args.out, "out"))
            print(
                _("Public keys written to {path}. Fingerprint to read aloud: {fingerprint}").format(
                    path=args.out, fingerprint=fingerprint
                )
            )
        elif action == "trust":
            path = Path(args.key_file)
            if not args.fingerprint:
                export = keys.inspect_key_export(path)
                print(
                    _(
                        "{office} ({role}) has the fingerprint {fingerprint}. If the sender "
                        "read you the same, run again with --fingerprint {fingerprint}."
                    ).format(
                        office=export.office_code, role=export.role, fingerprint=export.fingerprint
                    )
                )
                return 1
            trusted = keys.trust_key_export(workspace, path, args.fingerprint)
            print(
                _("{office} ({role}) is trusted: {fingerprint}").format(
                    office=trusted.office_code, role=trusted.role, fingerprint=trusted.fingerprint
                )
            )
        elif action == "rotate":
            fingerprint = keys.rotate_own_keys(workspace, _output_file(args.out, "out"))
            print(
                _("New keys made ({fingerprint}). Send {path} to every peer.").format(
                    fingerprint=fingerprint, path=args.out
                )
            )
        elif action == "revoke-own":
            fingerprint = keys.revoke_own_keys(workspace, _output_file(args.out, "out"),
                                               args.reason)  # fmt: skip
            told = _(
                "The old key is revoked in {path}: send it to every peer, then your new "
                "key file (fingerprint {fingerprint})."
            )
            print(told.format(path=args.out, fingerprint=fingerprint))
        elif action == "accept":
            trusted = keys.accept_key_statement(workspace, Path(args.key_file))
            state = _("revoked") if trusted.revoked else _("trusted")
            print(f"{trusted.office_code} {trusted.fingerprint}: {state}")
        elif action == "revoke":
            trusted = keys.revoke_peer(workspace, args.fingerprint)
            revoked = _("revoked")
            print(f"{trusted.office_code} {trusted.fingerprint}: {revoked}")
        else:
            peers = keys.trusted_keys(workspace)
            if args.json:
                _emit_json(
                    [
                        {
                            "office": p.office_code,
                            "role": p.role,
                            "name": p.name,
                            "fingerprint": p.fingerprint,
                            "revoked": p.revoked,
                            "replaced_by": p.replaced_by,
                            "trusted_at": p.trusted_at.isoformat(),
                        }
                        for p in peers
                    ]
                )
            for peer in peers if not args.json else []:
                state = (
                    _("revoked")
                    if peer.revoked
                    else (_("replaced") if peer.replaced_by else _("trusted"))
                )
                print(f"{peer.office_code:8} {peer.role:6} {peer.fingerprint}  {state}")
    finally:
        workspace.close()
    return 0


def _cmd_export(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.domain.errors import NothingToExport
    from app.services.bundle_export import export_bundle

    workspace = _unlock(args, paths)
    try:
        result = export_bundle(
            workspace,
            Path(args.export_to),
            everything=args.all,
            include_demo=args.demo,
            office=args.office,
        )
    except NothingToExport as nothing:
        print(translate_error(nothing))
        return 0
    finally:
        workspace.close()
    if args.json:
        _emit_json(
            {
                "path": str(result.path),
                "bundle_id": str(result.bundle_id),
                "sequence": result.sequence,
                "cases": result.cases,
                "tombstones": result.tombstones,
                "receipts": result.receipts,
                "decisions": result.decisions,
            }
        )
    else:
        print(
            _(
                "Bundle {sequence} written to {path}: {cases} cases, {tombstones} erased, "
                "{receipts} receipts, {decisions} decisions."
            ).format(
                sequence=result.sequence,
                path=result.path,
                cases=result.cases,
                tombstones=result.tombstones,
                receipts=result.receipts,
                decisions=result.decisions,
            )
        )
    return 0


def _cmd_import(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.bundle_import import import_bundle, import_summary

    workspace = _unlock(args, paths)
    results = []
    try:
        for name in args.bundle_files:
            results.append(import_bundle(workspace, Path(name)))
    finally:
        workspace.close()
    if args.json:
        _emit_json(
            [
                {
                    "bundle_id": str(r.bundle_id),
                    "from": r.sender_office,
                    "sequence": r.sequence,
                    "already_imported": r.already_imported,
                    "new": r.new_cases,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "conflicts": r.conflicts,
                    "erased": r.erased,
                    "receipts": r.receipts,
                    "decisions": r.decisions,
                    "quarantined": [
                        {"case_number": q.case_number, "reason": q.reason} for q in r.quarantined
                    ],
                    "missing": list(r.missing) if r.missing else None,
                }
                for r in results
            ]
        )
    else:
        for result in results:
            print(import_summary(result))
    return 0


def _cmd_audit(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.history import verify_audit_trail

    workspace = _unlock(args, paths)
    try:
        report = verify_audit_trail(workspace)
    finally:
        workspace.close()
    broken = report.broken
    if args.json:
        _emit_json({
            "intact": broken is None,
            "events": report.events,
            "broken_at": None if broken is None else {
                "position": broken.position, "at": broken.at.isoformat(), "action": broken.action,
            },
        })  # fmt: skip
        return 0 if broken is None else 1
    if broken is not None:
        print("homeward: " + _(
            "The audit trail is broken at event {position} ({date}, {action}): that event, or "
            "one before it, was changed or removed outside Homeward."
        ).format(position=broken.position, date=broken.at.isoformat(timespec="seconds"),
                 action=broken.action), file=sys.stderr)  # fmt: skip
        return 1
    last = report.last_at.isoformat(timespec="seconds") if report.last_at else "—"
    print(_("The audit trail is intact: {count} events, the last at {date}.").format(
        count=report.events, date=last))  # fmt: skip
    return 0


def _cmd_status(args: argparse.Namespace, paths: DataPaths) -> int:
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    from app.domain.cases import STATUS_LABELS
    from app.services import case_progress as progress

    deciding = args.target in ("approved", "rejected")
    if not deciding and (args.amount or args.decided_on or args.reference):
        only = N_(
            "--amount, --decided-on and --reference belong to a decision (approved or rejected)"
        )
        raise InvalidInput({"decision": only})
    amounts = []
    for text in args.amount:
        item, sep, rest = text.partition("=")
        value, _colon, currency = rest.partition(":")
        try:
            amount = progress.ApprovedAmount(int(item), Decimal(value.strip()), currency.strip())
        except (ValueError, InvalidOperation):
            raise InvalidInput({"amount": _AMOUNT_FORMAT}) from None
        if not sep:
            raise InvalidInput({"amount": _AMOUNT_FORMAT})
        amounts.append(amount)
    try:
        decided_on = dt.date.fromisoformat(args.decided_on) if args.decided_on else dt.date.today()
    except ValueError:
        raise InvalidInput({"decided_on": N_("write the date as YYYY-MM-DD")}) from None
    workspace = _unlock(args, paths)
    try:
        if deciding:
            decision = progress.DecisionInput(
                progress.DecisionOutcome(args.target),
                decided_on,
                tuple(amounts),
                args.reason,
                args.reference,
            )
            result = progress.record_decision(workspace, args.case_number, decision)
        else:
            move = {
                "submitted": progress.submit,
                "in_implementation": progress.start_implementation,
                "closed": progress.close_case,
                "planning": progress.revise_plan,
            }[args.target]
            result = move(workspace, args.case_number, args.reason)
    finally:
        workspace.close()
    decided = result.decision
    total = decided.approved_total_eur if decided else None
    if args.json:
        _emit_json(
            {
                "case_number": result.case.case_number,
                "previous_status": result.previous.value,
                "status": result.case.status.value,
                "decision": None
                if decided is None
                else {
                    "outcome": decided.outcome.value,
                    "decided_on": decided.decided_on.isoformat(),
                    "reference": decided.reference,
                    "reason": decided.reason,
                    "source": decided.source.value,
                    "approved_amounts": [a.to_json() for a in decided.amounts],
                    "approved_total_eur": format(total, "f") if total is not None else None,
                    "plan_revision": decided.plan_revision,
                },
            }
        )
        return 0
    print(
        _("{case_number}: {previous} → {status}.").format(
            case_number=result.case.case_number,
            previous=_(STATUS_LABELS[result.previous]),
            status=_(STATUS_LABELS[result.case.status]),
        )
    )
    if total is not None:
        print(_("Approved total: {total}").format(total=f"{total:.2f} EUR"))
    return 0


def _cmd_languages(args: argparse.Namespace, paths: DataPaths) -> int:
    from app.services.languages import language_report

    report = language_report()
    if args.json:
        _emit_json(report)
    else:
        for entry in report:
            print(f"{entry['code']:<3} {entry['name']:<16} {entry['script']} {entry['direction']}")
    return 0


_HANDLERS: dict[str, Handler] = {
    "gui": _cmd_gui,
    "init": _cmd_init,
    "demo": _cmd_demo,
    "cases": _cmd_cases,
    "case": _cmd_case,
    "print": _cmd_print,
    "users": _cmd_users,
    "office": _cmd_office,
    "status": _cmd_status,
    "audit": _cmd_audit,
    "returnee-data": _cmd_returnee_data,
    "erase": _cmd_erase,
    "keys": _cmd_keys,
    "export": _cmd_export,
    "import": _cmd_import,
    "purge": _cmd_purge,
    "recover": _cmd_recover,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
    "languages": _cmd_languages,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    paths = resolve_data_dir(args.data_dir)
    command = args.command or "gui"
    if os.name == "posix":
        os.umask(0o077)  # everything this process writes is the owner's alone
    logged = False
    try:
        if paths.root.exists() and not paths.root.is_dir():
            raise DataFolderUnusable(path=str(paths.root))
        set_language(_interface_language(paths))
        if paths.root.is_dir():  # a failed first command must not leave a folder behind
            restrict_permissions(paths)
            logged = configure_logging(paths)
        return _HANDLERS[command](args, paths)
    except HomewardError as error:
        log.info("%s failed: %s", command, error.code)
        # Messages may quote what was typed: never let it drive the terminal.
        print(f"homeward: {printable(translate_error(error))}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (e.g. `homeward cases | head`): not an error of ours. Point
        # stdout at devnull so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("homeward: " + _("Cancelled."), file=sys.stderr)
        return 130
    except Exception as error:
        known = known_failure(error)
        if known is not None:
            log.warning("%s failed: %s", command, type(error).__name__)
            print(f"homeward: {printable(known)}", file=sys.stderr)
            return 1
        log.exception("%s failed unexpectedly", command)
        where = paths.logs / "homeward.log"
        message = (
            _("Unexpected error; details are in {path}.").format(path=where)
            if logged
            else _("Unexpected error ({kind}); the log could not be written.").format(
                kind=type(error).__name__
            )
        )
        print(f"homeward: {message}", file=sys.stderr)
        return 1
