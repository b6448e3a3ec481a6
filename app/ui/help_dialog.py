"""Built-in help: a short guide to the session and printing, and the keyboard shortcuts.

The guide is written from translated strings, so it follows the interface language and its
writing direction; the shortcuts come from the window's real actions (see ``shortcut_rows``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, active_language
from app.i18n import gettext as _
from app.i18n.languages import language

# (title, paragraphs): message ids, translated when the guide is shown.
GUIDE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Opening a case"), (
        N_("Choose New case in the File menu. Enter the returnee as written in the travel "
           "document, the nationality, the country and region of return, the language of the "
           "session and the members of the household. The case gets the next number of this "
           "office, for example SK-2026-00042."),
        N_("Find a case by typing part of its number, a name or a country in the search "
           "field; open its session with a double click or with Counselling session."),
    )),
    (N_("Two languages side by side"), (
        N_("Each question is shown in your language and in the migrant's language, so that "
           "the migrant can read along. Arabic, Dari, Pashto and Urdu are written from right "
           "to left. The migrant's language can be changed at the top of the session window."),
    )),
    (N_("The steps of the session"), (
        N_("A session has four steps: consent, part 1 (profile intake), part 2 "
           "(reintegration plan) and the review. Complete this step checks the answers and "
           "shows any problem beside its question; the next step opens when the previous one "
           "is complete. Without the returnee's consent the session cannot go on."),
        N_("If an answer of a completed step changes, that step has to be completed again."),
    )),
    (N_("Saving is automatic"), (
        N_("Every answer is saved a moment after you stop typing, when you change step and "
           "when you close the window. There is no Save button: a crash or a closed lid loses "
           "nothing, and the session resumes where it stopped."),
    )),
    (N_("Dates"), (
        N_("Many returnees know only the year they were born in. A date of birth may then be "
           "given as a year alone; do not invent a day and a month."),
    )),
    (N_("Budget"), (
        N_("The plan adds up the estimated costs of its assistance items per currency and "
           "converts them with the office's exchange rates. Above the office's budget cap per "
           "returnee the plan needs a justification that explains why more is needed."),
    )),
    (N_("Priority and vulnerable situations"), (
        N_("The priority of a plan comes from the ratings of feasibility, urgency and "
           "motivation and from the vulnerable situations recorded in the intake (serious "
           "illness, unaccompanied minor, single parent, large family, return to a conflict "
           "or disaster area). The review shows the priority with its reasons."),
    )),
    (N_("Printing"), (
        N_("Print opens a preview of the request form, the reintegration plan or the consent, "
           "in the migrant's language above the office's. From the preview, print on paper or "
           "choose Save as PDF."),
        N_("Every page carries the case number and a QR code with the revision of the plan it "
           "shows, so a signed paper matches one exact version of the plan. The returnee, the "
           "counsellor and the interpreter sign on the paper. If the plan changes after "
           "signing, print it again and have it signed again."),
    )),
    (N_("After the plan is ready"), (
        N_("When the plan is complete the case is ready. It then moves on as the paper does: "
           "submitted to headquarters, the decision received (approved or rejected), in "
           "implementation, and closed. A rejected plan can go back to planning. The migrant "
           "may withdraw at any time before departure."),
    )),
    (N_("The history of a case"), (
        N_("The history lists who did what to a case and when: answers saved, steps completed, "
           "changes of status, prints with the fingerprint (SHA-256) of each printed file. "
           "Reasons and earlier values are personal data: only supervisors and administrators "
           "see them."),
    )),
    (N_("Accounts and signing out"), (
        N_("Everyone signs in with their own account: counsellor, supervisor or administrator. "
           "Your password unlocks the encrypted case store, so choose a good one and keep it "
           "to yourself; an administrator can add accounts and reset a forgotten password."),
        N_("Sign out or close Homeward before you leave the laptop."),
    )),
)  # fmt: skip


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(action text, shortcut text) for each action that has a shortcut, as people read them."""
    rows = []
    for action in actions:
        shortcuts = [s for s in action.shortcuts() if not s.isEmpty()]
        if not shortcuts:
            continue
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        rows.append((text, keys))
    return rows


def guide_html(right_to_left: bool) -> str:
    """The guide in the interface language, every piece of text escaped."""
    direction = ' dir="rtl"' if right_to_left else ""
    heading = _("How to use Homeward")
    parts = [f"<h1{direction}>{html.escape(heading)}</h1>"]
    for title, paragraphs in GUIDE:
        parts.append(f"<h3{direction}>{html.escape(_(title))}</h3>")
        parts += [f"<p{direction}>{html.escape(_(text))}</p>" for text in paragraphs]
    return "\n".join(parts)


class HelpDialog(QDialog):
    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.guide = QTextBrowser()
        self.guide.setObjectName("helpGuide")
        self.guide.setOpenLinks(False)
        self.shortcuts = QTableWidget(len(shortcuts), 2)
        self.shortcuts.setObjectName("helpShortcuts")
        self.shortcuts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.shortcuts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.shortcuts.verticalHeader().hide()
        header = self.shortcuts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, (action, keys) in enumerate(shortcuts):
            self.shortcuts.setItem(row, 0, QTableWidgetItem(action))
            self.shortcuts.setItem(row, 1, QTableWidgetItem(keys))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.guide, "")
        self.tabs.addTab(self.shortcuts, "")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 640)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Homeward help"))
        self.tabs.setTabText(0, _("Guide"))
        self.tabs.setTabText(1, _("Keyboard shortcuts"))
        self.shortcuts.setHorizontalHeaderLabels([_("Action"), _("Shortcut")])
        rtl = language(active_language()).right_to_left
        document = self.guide.document()
        option = document.defaultTextOption()
        option.setTextDirection(
            Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        )
        option.setAlignment(Qt.AlignmentFlag.AlignLeading)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        document.setDefaultTextOption(option)
        self.guide.setHtml(guide_html(rtl))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
