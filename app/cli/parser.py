"""The command-line contract as argparse sees it: every command, option, help text and the
usage exit code (2). DESIGN.md and README's "Command line" describe it; scripts at HQ rely
on it, so change it only by adding.

Building the tree imports nothing but argparse: ``homeward --version`` stops here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import NoReturn

from app import __version__
from app.config import DATABASE_URL_ENV, USER_ENV

MAX_LIMIT = 1_000_000
STATUS_MOVES = ("submitted", "approved", "rejected", "in_implementation", "closed", "planning")
ERASURE_REASONS = ("request", "retention", "mistake")
DECISION_OPTIONS = ("reason", "amount", "decided_on", "reference")


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


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end like every other failure: one line on stderr, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line read and checked; a usage mistake exits with code 2."""
    parser, status = _build()
    args = parser.parse_args(argv)
    if args.command == "status":
        if args.case_number is not None and args.target is None:
            status.error("the following arguments are required: STATUS")
        given = [name for name in DECISION_OPTIONS if getattr(args, name)]
        if args.case_number is None and given:
            options = ", ".join("--" + name.replace("_", "-") for name in given)
            status.error(f"{options}: give the CASE_NUMBER and STATUS they belong to")
    return args


def build_parser() -> argparse.ArgumentParser:
    """The whole tree of commands and options."""
    return _build()[0]


def _build() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
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
        "--database-url",
        metavar="URL",
        help="run an HQ installation on PostgreSQL, e.g. postgresql+psycopg://user@host/db "
        f"(default: ${DATABASE_URL_ENV}, then the address recorded at set-up; the password "
        "comes from PGPASSWORD or ~/.pgpass)",
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
        "--reason", required=True, choices=ERASURE_REASONS, metavar="REASON",
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
        "status",
        help="where the store is; with CASE_NUMBER STATUS, move a case on: submitted, "
        "decision received, implementation, closed",
    )
    status.add_argument(
        "case_number", nargs="?", metavar="CASE_NUMBER",
        help="the case to move on (without it: where this installation keeps its cases)",
    )  # fmt: skip
    status.add_argument(
        "target", nargs="?", choices=list(STATUS_MOVES), metavar="STATUS",
        help="one of: " + ", ".join(STATUS_MOVES) + " (planning: revise a rejected plan)",
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
    return parser, status
