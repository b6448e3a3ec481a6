"""What every command shares: passwords from a prompt or the environment, signing in,
JSON on stdout, and the files a command is asked to write.

Imported by every command module: it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import PASSWORD_ENV, USER_ENV, DataPaths
from app.domain.errors import (
    N_,
    InvalidInput,
    NewPasswordRequired,
    NotInitialised,
    PasswordMismatch,
    PasswordRequired,
)
from app.i18n import gettext as _

if TYPE_CHECKING:
    from app.services.workspace import Workspace

NEW_PASSWORD_ENV = "HOMEWARD_NEW_PASSWORD"
RECOVERY_KEY_ENV = "HOMEWARD_RECOVERY_KEY"
RECOVERY_KEY_NEEDED = N_("type the recovery key at the prompt or set HOMEWARD_RECOVERY_KEY")
NEW_PASSWORD_NEEDED = N_(
    "A new password is needed: type it at the prompt or set HOMEWARD_NEW_PASSWORD."
)

# JSON escapes C0 controls itself; DEL, C1 controls and bidi overrides it leaves raw, and a
# terminal would act on them. (They can only stand inside strings, so escaping is safe.)
RAW_CONTROLS = re.compile("[\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def output_file(text: str, option: str) -> Path:
    """A file the command writes: a name in an existing folder (what may not be there, and
    the data folder, the service refuses)."""
    out = Path(text)
    if out.is_dir() or not out.parent.is_dir():
        raise InvalidInput({option: N_("the output file must be in an existing folder")})
    return out


def ask_password(prompt: str, *, confirm: bool = False) -> str:
    """The password that signs in: ``HOMEWARD_PASSWORD``, else a prompt on a terminal."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise PasswordRequired()
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat the password: ")) != first:
        raise PasswordMismatch()
    return first


def new_account_password(username: str, *, needed: str | None = None) -> str:
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


def signing_in_as(args: argparse.Namespace) -> str | None:
    """The account named by ``--user`` or ``HOMEWARD_USER``; None: the first admin."""
    return args.user or os.environ.get(USER_ENV) or None


def unlock(args: argparse.Namespace, paths: DataPaths) -> Workspace:
    """Sign in for one command; the caller closes the workspace."""
    from app.services.workspace import unlock as open_workspace

    if not paths.is_initialised():
        raise NotInitialised(path=str(paths.root))
    return open_workspace(paths, signing_in_as(args), ask_password(_("Password: ")))


def emit_json(document: object) -> None:
    """One JSON document on stdout, with nothing in it a terminal would act on."""
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    write_raw(text + "\n")


def write_raw(text: str) -> None:
    """Write JSON text to stdout, escaping what :data:`RAW_CONTROLS` matches."""
    sys.stdout.write(RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def print_recovery_key(key: str) -> None:
    print(_("Recovery key (write it on paper now and lock it away; it is shown only once and "
            "opens the store when every password is lost):"))  # fmt: skip
    print(f"    {key}")
