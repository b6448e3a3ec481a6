"""Failures of the machine rather than of Homeward, said in one plain line.

A full disk, a read-only or vanished folder, a store locked by another program or damaged
on disk are not bugs to hide behind "Unexpected error": the person can act on them.
"""

from __future__ import annotations

import errno

from app.i18n import gettext as _

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


def known_failure(error: BaseException) -> str | None:
    """A translated one-line explanation of ``error``, or None if it is a real surprise."""
    if isinstance(error, OSError):
        where = error.filename or ""
        if error.errno in _DISK_FULL:
            return _("The disk is full: nothing was written to {path}. Free some space and "
                     "try again.").format(path=where)  # fmt: skip
        if error.errno in _NOT_ALLOWED:
            return _("{path} cannot be written or read here (no permission, or a read-only "
                     "disk). Nothing was changed.").format(path=where)  # fmt: skip
        reason = error.strerror or type(error).__name__
        return _("{path}: {reason}. Nothing was changed.").format(path=where, reason=reason)
    text = str(getattr(error, "orig", error)).lower()
    if type(error).__module__.startswith(("sqlalchemy", "sqlcipher3")):
        if "locked" in text or "busy" in text:
            return _("The case store is in use by another Homeward (the window or a script). "
                     "Close it or wait, then try again. Nothing was changed.")  # fmt: skip
        if "disk is full" in text or "database or disk is full" in text:
            return _("The disk is full: nothing was written to the case store. Free some "
                     "space and try again.")  # fmt: skip
        if "disk i/o error" in text or "malformed" in text or "not a database" in text:
            return _("The case store could not be read from the disk (disk I/O error or "
                     "damage). Nothing was changed; copy the data folder to a safe place and "
                     "restore the store from a backup.")  # fmt: skip
    return None
