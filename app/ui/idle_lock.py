"""After a while without a key press or a click, the window hides case data and asks for the
password; what was typed stays where it was.

A laptop in a reception centre is left on a desk: the next person to sit down must not read
the open case. Everything is saved first; the windows are hidden, not closed, so unsaved
text (if the store refused it) is not lost either.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import HomewardError
from app.i18n import gettext as _
from app.i18n import translate_error
from app.services.workspace import Workspace
from app.ui.buttons import ok_cancel

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.InputMethod,
})  # fmt: skip


class LockScreen(QDialog):
    """The only window shown while locked: who is signed in, and their password."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("lockScreen")
        self.workspace = workspace
        self.setWindowTitle(_("Homeward is locked"))
        heading = QLabel(_("Homeward is locked"))
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        who = QLabel(
            _("Signed in: {name}. Type the password to go on where you stopped.").format(
                name=workspace.user.display_name
            )
        )
        who.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.setWordWrap(True)
        buttons, _ok, cancel = ok_cancel(self, _("Unlock"))
        cancel.hide()  # there is no way around the password
        layout = QVBoxLayout(self)
        for widget in (heading, who, self.password, self.message, buttons):
            layout.addWidget(widget)
        self.resize(420, 0)

    def accept(self) -> None:
        try:
            self.workspace.confirm_password(self.password.text())
        except HomewardError as error:
            self.password.clear()
            self.message.setText(translate_error(error))
            return
        self.password.clear()
        super().accept()

    def reject(self) -> None:
        pass  # Escape or the window's close button do not unlock


class IdleLock(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        workspace: Workspace,
        idle_seconds: float,
        before_lock: Callable[[], None],
        parent: QObject | None = None,
        check_every_ms: int = 5000,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.idle_seconds = idle_seconds
        self.before_lock = before_lock
        self.screen: LockScreen | None = None
        self._hidden: list[QWidget] = []
        self._last_input = time.monotonic()
        self._watching = False
        self._check = QTimer(self)
        self._check.setInterval(min(check_every_ms, max(100, int(idle_seconds * 250))))
        self._check.timeout.connect(self._maybe_lock)
        self._check.start()

    # An application-wide event filter is called from Python for every event of every widget
    # (building a form page sends thousands). So it watches only until it sees input, and is
    # put back at the next check: input seen, or not watched for, counts as input at the
    # check (the lock may come one check later, never sooner).
    def _watch(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True

    def _unwatch(self) -> None:
        app = QApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last_input = time.monotonic()
            self._unwatch()
        return False

    def set_idle_seconds(self, seconds: float) -> None:
        self.idle_seconds = seconds
        self._check.setInterval(min(self._check.interval(), max(50, int(seconds * 250))))

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def _maybe_lock(self) -> None:
        if not self._watching:
            self._last_input = time.monotonic()
            self._watch()
        elif not self.is_locked and time.monotonic() - self._last_input >= self.idle_seconds:
            self.lock()

    def lock(self) -> None:
        self.before_lock()
        app = QApplication.instance()
        self._hidden = [
            widget for widget in (app.topLevelWidgets() if isinstance(app, QApplication) else [])
            if widget.isVisible() and not isinstance(widget, LockScreen)
        ]  # fmt: skip
        for widget in self._hidden:
            widget.hide()
        self.screen = LockScreen(self.workspace)
        self.screen.accepted.connect(self._unlock)
        self.screen.show()
        self.screen.raise_()
        self.screen.activateWindow()
        self.locked.emit()

    def _unlock(self) -> None:
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        if self.screen is not None:
            self.screen.deleteLater()
        self.screen = None
        self._last_input = time.monotonic()
        self.unlocked.emit()

    def stop(self) -> None:
        self._check.stop()
        self._unwatch()
