"""Bundle keys (Office menu): this installation's fingerprint to read aloud, its key file,
new keys; the keys it trusts, trusting one by the fingerprint read over the phone, revoking
one, applying a peer's rotation or revocation file. Changing trust is for administrators."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from app.domain.accounts import Permission, may
from app.domain.errors import N_, HomewardError
from app.i18n import fill, translate_error
from app.i18n import gettext as _
from app.services.keys import (
    TrustedKey,
    accept_key_statement,
    export_public_keys,
    inspect_key_export,
    own_keys,
    revoke_peer,
    rotate_own_keys,
    trust_key_export,
    trusted_keys,
)
from app.services.review import fingerprint_length, typed_fingerprint
from app.services.workspace import Workspace
from app.ui.buttons import ok_cancel
from app.ui.errors import STORE_BUSY
from app.ui.formatting import datetime_text
from app.ui.password_dialog import PROBLEM_STYLE

if TYPE_CHECKING:
    from app.bundles.keys import KeyExport

ROLE_NAMES = {"office": N_("Office"), "hq": N_("Headquarters")}
KEY_FILES = N_("Key files (*.hwkey);;All files (*)")
OPEN_KEY_FILES = N_("Key files (*.hwkey *.key);;All files (*)")
ADMIN_ONLY = N_("Only an administrator can change which keys this installation trusts.")
LRI, PDI = "\u2066", "\u2069"
FINGERPRINT_LETTERS = 20


def role_name(role: str) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def fingerprint_shown(fingerprint: str) -> str:
    """Groups of four apart, kept left to right inside a right-to-left sentence."""
    return f"{LRI}{fingerprint.replace('-', ' ')}{PDI}"


def problem_text(error: Exception) -> str:
    return translate_error(error) if isinstance(error, HomewardError) else _(STORE_BUSY)


class MessageLine(QLabel):
    """One line under a dialog's buttons: news in the text colour, a problem in red."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.is_problem = False

    def say(self, text: str, *, problem: bool = False) -> None:
        self.is_problem = problem
        self.setStyleSheet(PROBLEM_STYLE if problem else "")
        self.setText(text)


def _fixed_font(points: int) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(points)
    return font


class TrustKeyDialog(QDialog):
    """The second step of trusting a key file: whose it is, and the fingerprint typed as
    its sender reads it over the phone. Trust is offered only once the two match."""

    def __init__(
        self, workspace: Workspace, path: Path, export: KeyExport, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trustKeyDialog")
        self.setWindowTitle(_("Trust a key file"))
        self.workspace = workspace
        self.path = path
        self.export = export
        self.trusted: TrustedKey | None = None
        facts = QFormLayout()
        facts.addRow(_("File"), QLabel(path.name))
        self.office_label = QLabel(fill(_("{name} ({office})"), name=export.office_name,
                                        office=export.office_code))  # fmt: skip
        self.office_label.setObjectName("keyOffice")
        facts.addRow(_("Office"), self.office_label)
        self.role_label = QLabel(role_name(export.role))
        self.role_label.setObjectName("keyRole")
        facts.addRow(_("Role"), self.role_label)
        ask = QLabel(
            fill(
                _(
                    "Call {office} and ask them to read you the fingerprint their Homeward "
                    "shows under Bundle keys. Type it here as you hear it; the key is trusted "
                    "only if it matches the file."
                ),
                office=export.office_code,
            )
        )
        ask.setWordWrap(True)
        self.fingerprint = QLineEdit()
        self.fingerprint.setObjectName("typedFingerprint")
        self.fingerprint.setFont(_fixed_font(14))
        self.fingerprint.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.fingerprint.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX")
        self.fingerprint.setMaxLength(40)
        self.fingerprint.textChanged.connect(self._typed)
        self.problem = MessageLine("trustProblem")
        box, self.trust_button, _cancel = ok_cancel(self, _("Trust this key"))
        self.trust_button.setObjectName("trustButton")
        box.accepted.disconnect(self.accept)
        box.accepted.connect(self._trust)
        layout = QVBoxLayout(self)
        layout.addLayout(facts)
        layout.addWidget(ask)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.problem)
        layout.addWidget(box)
        self.setMinimumWidth(540)
        self._typed()

    def _typed(self) -> None:
        text = self.fingerprint.text()
        matches = typed_fingerprint(text) == self.export.fingerprint
        self.trust_button.setEnabled(matches)
        if matches:
            self.problem.say(_("The fingerprint matches the file."))
        elif fingerprint_length(text) >= FINGERPRINT_LETTERS:
            self.problem.say(
                _(
                    "This is not the fingerprint of the key in the file: do not trust it. "
                    "Check each group with the sender again."
                ),
                problem=True,
            )
        else:
            self.problem.say("")

    def _trust(self) -> None:
        try:
            self.trusted = trust_key_export(self.workspace, self.path, self.fingerprint.text())
        except (HomewardError, OperationalError) as error:
            self.problem.say(problem_text(error), problem=True)
            return
        self.accept()


class KeysDialog(QDialog):
    """This installation's keys and the keys it trusts."""

    keys_changed = Signal()  # trust given, revoked, or own keys replaced

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keysDialog")
        self.setWindowTitle(_("Bundle keys"))
        self.workspace = workspace
        self.trust_dialog: TrustKeyDialog | None = None
        self.keys: list[TrustedKey] = []
        admin = may(workspace.user.role, Permission.MANAGE_OFFICE)
        info = workspace.installation

        own_box = QGroupBox(_("This installation"))
        identity = _("{name} ({office}) · {role}")
        self.identity = QLabel(
            fill(
                identity, name=info.office_name, office=info.office_code, role=role_name(info.role)
            )
        )
        self.identity.setObjectName("ownIdentity")
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("ownFingerprint")
        self.fingerprint.setFont(_fixed_font(22))
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        read_aloud = QLabel(
            _(
                "Fingerprint: read it aloud, group by group, to whoever trusts this "
                "installation's key file, so they can check that the file is really yours."
            )
        )
        read_aloud.setWordWrap(True)
        self.save_button = QPushButton(_("Save my key file…"))
        self.save_button.setObjectName("saveKeyButton")
        self.save_button.clicked.connect(self.save_key_file)
        self.rotate_button = QPushButton(_("Make new keys…"))
        self.rotate_button.setObjectName("rotateKeysButton")
        self.rotate_button.setEnabled(admin)
        self.rotate_button.clicked.connect(self.make_new_keys)
        own_buttons = QHBoxLayout()
        own_buttons.addWidget(self.save_button)
        own_buttons.addWidget(self.rotate_button)
        own_buttons.addStretch(1)
        own_layout = QVBoxLayout(own_box)
        own_layout.addWidget(self.identity)
        own_layout.addWidget(self.fingerprint)
        own_layout.addWidget(read_aloud)
        own_layout.addLayout(own_buttons)

        trusted_box = QGroupBox(_("Keys this installation trusts"))
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("trustedKeys")
        self.table.setHorizontalHeaderLabels(
            [_("Office"), _("Name"), _("Role"), _("Fingerprint"), _("Trusted on"), _("State")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.trust_button = QPushButton(_("Trust a key file…"))
        self.trust_button.setObjectName("trustKeyButton")
        self.trust_button.clicked.connect(self.trust_key_file)
        self.revoke_button = QPushButton(_("Revoke…"))
        self.revoke_button.setObjectName("revokeKeyButton")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.statement_button = QPushButton(_("Apply a rotation or revocation file…"))
        self.statement_button.setObjectName("keyStatementButton")
        self.statement_button.clicked.connect(self.apply_statement)
        self.admin_buttons = (self.trust_button, self.revoke_button, self.statement_button)
        for button in (self.trust_button, self.statement_button):
            button.setEnabled(admin)
        trust_buttons = QHBoxLayout()
        for button in self.admin_buttons:
            trust_buttons.addWidget(button)
        trust_buttons.addStretch(1)
        trusted_layout = QVBoxLayout(trusted_box)
        trusted_layout.addWidget(self.table)
        trusted_layout.addLayout(trust_buttons)
        if not admin:
            hint = QLabel(_(ADMIN_ONLY))
            hint.setObjectName("adminOnlyHint")
            hint.setWordWrap(True)
            trusted_layout.addWidget(hint)
            for button in (*self.admin_buttons, self.rotate_button):
                button.setToolTip(_(ADMIN_ONLY))

        self.message = MessageLine("keysMessage")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(own_box)
        layout.addWidget(trusted_box, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.admin = admin
        self.refresh()
        self.resize(760, 520)

    # reading
    def refresh(self) -> None:
        try:
            own = own_keys(self.workspace)
            self.keys = trusted_keys(self.workspace)
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        self.fingerprint.setText(fingerprint_shown(own.fingerprint))
        self.table.setRowCount(len(self.keys))
        for row, key in enumerate(self.keys):
            if key.revoked:
                state = _("revoked")
            elif key.replaced_by:
                state = _("replaced by new keys")
            else:
                state = _("trusted")
            cells = (
                key.office_code,
                key.name,
                role_name(key.role),
                fingerprint_shown(key.fingerprint),
                datetime_text(key.trusted_at),
                state,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setFont(_fixed_font(10))
                self.table.setItem(row, column, item)
        self._selection_changed()

    def selected(self) -> TrustedKey | None:
        rows = self.table.selectionModel().selectedRows()
        return self.keys[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        key = self.selected()
        self.revoke_button.setEnabled(self.admin and key is not None and not key.revoked)

    # this installation's keys
    def save_key_file(self) -> None:
        info = self.workspace.installation
        suggested = Path.home() / f"homeward-key-{info.office_code}.hwkey"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save my key file"), str(suggested), _(KEY_FILES)
        )
        if not path:
            return
        try:
            fingerprint = export_public_keys(self.workspace, Path(path))
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        self.message.say(
            fill(
                _(
                    "Key file saved to {path}. Give it to the other side, then read them "
                    "the fingerprint {fingerprint} over the phone."
                ),
                path=path,
                fingerprint=fingerprint_shown(fingerprint),
            )
        )

    def make_new_keys(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Make new keys"),
            _(
                "Make new keys for this installation? Bundles from now on are signed with "
                "the new keys. You then save a rotation file: every installation that "
                "trusts this one must apply it, or it will refuse the next bundles."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        info = self.workspace.installation
        suggested = Path.home() / f"homeward-new-keys-{info.office_code}.hwkey"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the rotation file"), str(suggested), _(KEY_FILES)
        )
        if not path:
            return
        try:
            fingerprint = rotate_own_keys(self.workspace, Path(path))
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        self.refresh()
        self.message.say(
            fill(
                _(
                    "New keys made ({fingerprint}). Give {path} to every installation that "
                    "trusts this one; they apply it under Bundle keys."
                ),
                fingerprint=fingerprint_shown(fingerprint),
                path=path,
            )
        )
        self.keys_changed.emit()

    # the keys it trusts
    def trust_key_file(self) -> TrustKeyDialog | None:
        """Choose the file; the next step (opened, not waited for) asks for the fingerprint."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Trust a key file"), str(Path.home()), _(OPEN_KEY_FILES)
        )
        if not path:
            return None
        try:
            export = inspect_key_export(Path(path))
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return None
        self.message.say("")
        self.trust_dialog = TrustKeyDialog(self.workspace, Path(path), export, self)
        self.trust_dialog.accepted.connect(self._trusted)
        self.trust_dialog.open()
        return self.trust_dialog

    def _trusted(self) -> None:
        dialog = self.trust_dialog
        if dialog is None or dialog.trusted is None:
            return
        key = dialog.trusted
        self.refresh()
        self.message.say(
            fill(
                _("{office} ({role}) is trusted from now on."),
                office=key.office_code,
                role=role_name(key.role),
            )
        )
        self.keys_changed.emit()

    def revoke_selected(self) -> None:
        key = self.selected()
        if key is None:
            return
        answer = QMessageBox.question(
            self,
            _("Revoke a key"),
            fill(
                _(
                    "Stop trusting the key of {office} ({fingerprint})? Bundles signed with "
                    "it are refused from now on; to work with {office} again you need a new "
                    "key file from it."
                ),
                office=key.office_code,
                fingerprint=fingerprint_shown(key.fingerprint),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            revoke_peer(self.workspace, key.fingerprint)
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        self.refresh()
        self.message.say(fill(_("The key of {office} is revoked."), office=key.office_code))
        self.keys_changed.emit()

    def apply_statement(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Apply a rotation or revocation file"), str(Path.home()), _(OPEN_KEY_FILES)
        )
        if not path:
            return
        try:
            key = accept_key_statement(self.workspace, Path(path))
        except (HomewardError, OperationalError) as error:
            self.message.say(problem_text(error), problem=True)
            return
        self.refresh()
        if key.revoked:
            text = _("The key of {office} is revoked.")
        else:
            text = _("{office} now has new keys ({fingerprint}); they are trusted.")
        self.message.say(
            fill(text, office=key.office_code, fingerprint=fingerprint_shown(key.fingerprint))
        )
        self.keys_changed.emit()
