"""``main``: read the command line, find the installation, run one command, and turn every
failure into one line on stderr and a stable exit code (README: 1 general, 2 bad input,
3 sign-in, 4 not found, 5 already exists).

Command modules are imported only when their command runs, so ``homeward --version`` and
the desktop app's start import no more than they need (issue 16).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from app.applog import configure_logging
from app.cli.parser import parse_arguments
from app.config import DataPaths, load_settings, resolve_data_dir, restrict_permissions
from app.domain.errors import DataFolderUnusable, HomewardError
from app.domain.text import printable
from app.i18n import gettext as _
from app.i18n import set_language, translate_error
from app.i18n.failures import known_failure
from app.i18n.languages import LANGUAGE_CODES

log = logging.getLogger("homeward.cli")
Handler = Callable[[argparse.Namespace, DataPaths], int]

# command -> (module under app.cli, function); ``status`` picks its own (see _handler).
COMMANDS: dict[str, tuple[str, str]] = {
    "gui": ("installation", "gui"),
    "init": ("installation", "init"),
    "recover": ("installation", "recover"),
    "languages": ("installation", "languages"),
    "demo": ("cases", "demo"),
    "cases": ("cases", "cases"),
    "case": ("cases", "case"),
    "print": ("cases", "print_form"),
    "status": ("cases", "move_status"),
    "users": ("accounts", "users"),
    "office": ("office", "office"),
    "backup": ("data", "backup"),
    "restore": ("data", "restore"),
    "returnee-data": ("data", "returnee_data"),
    "erase": ("data", "erase"),
    "purge": ("data", "purge"),
    "keys": ("keys", "manage_keys"),
    "export": ("exchange", "export"),
    "import": ("exchange", "import_bundles"),
    "audit": ("audit", "verify_audit"),
}
WHERE = ("installation", "where")  # ``homeward status`` without a case


def _handler(command: str, args: argparse.Namespace) -> Handler:
    module, function = COMMANDS[command]
    if command == "status" and args.case_number is None:
        module, function = WHERE
    handler: Handler = getattr(importlib.import_module(f"app.cli.{module}"), function)
    return handler


def _interface_language(paths: DataPaths) -> str:
    chosen = load_settings(paths).get("interface_language")
    if isinstance(chosen, str) and chosen in LANGUAGE_CODES:
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(variable, "")[:2]
        if code in LANGUAGE_CODES:
            return code
    return "en"


def _check_server_address(command: str, paths: DataPaths) -> None:
    """Refuse an address that is not PostgreSQL's before any prompt or any folder is made.
    The desktop app says so in its window, where a person started from a menu sees it."""
    if paths.database_url is not None and command != "gui":
        from app.store.engine import server_url

        server_url(paths.database_url)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    paths = resolve_data_dir(args.data_dir, args.database_url)
    command = args.command or "gui"
    if os.name == "posix":
        os.umask(0o077)  # everything this process writes is the owner's alone
    logged = False
    try:
        if paths.root.exists() and not paths.root.is_dir():
            raise DataFolderUnusable(path=str(paths.root))
        set_language(_interface_language(paths))
        _check_server_address(command, paths)
        if paths.root.is_dir():  # a failed first command must not leave a folder behind
            restrict_permissions(paths)
            logged = configure_logging(paths)
        return _handler(command, args)(args, paths)
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
