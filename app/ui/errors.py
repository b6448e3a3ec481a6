"""How failures reach the user: cancel is silent, a known error is a plain message, anything
else a dialog with details to copy, the trace kept in the local log only."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import OperationalError

from app.domain.errors import HomewardError
from app.i18n import N_, translate_error
from app.i18n import gettext as _

log = logging.getLogger("homeward.ui")
STORE_BUSY = N_(
    "The case store is busy or cannot be written just now. Nothing was lost: what you typed "
    "is still on screen; try again in a moment."
)


def show_error(parent: QWidget | None, error: BaseException) -> None:
    if isinstance(error, HomewardError):
        QMessageBox.warning(parent, _("Homeward"), translate_error(error))
        return
    if isinstance(error, OperationalError):  # e.g. the store is locked by another program
        log.warning("store not available: %s", type(error.orig).__name__)
        QMessageBox.warning(parent, _("Homeward"), _(STORE_BUSY))
        return
    show_unexpected(parent, type(error), error, error.__traceback__)


def show_unexpected(
    parent: QWidget | None,
    kind: type[BaseException],
    error: BaseException,
    trace: TracebackType | None,
) -> None:
    details = "".join(traceback.format_exception(kind, error, trace))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Homeward"))
    box.setText(
        _(
            "Homeward ran into an unexpected problem. Everything already saved is safe; "
            "the details were written to the log."
        )
    )
    box.setDetailedText(details)
    box.setObjectName("unexpectedErrorBox")
    box.exec()


def install_excepthook() -> None:
    """Uncaught exceptions in slots end up here instead of silently killing the app."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        if isinstance(error, HomewardError):
            log.info("unhandled %s", error.code)
            show_error(None, error)
            return
        show_unexpected(None, kind, error, trace)

    sys.excepthook = hook
