"""Imports after PySide6 at the cost of an ordinary import.

Once PySide6 is loaded, it asks of every module imported after it whether the module's
source mentions "PySide6" (so that ``from __feature__ import ...`` can switch on the
snake_case and true_property features per module). It reads the source through
``inspect.getsource``, which looks the module up among every loaded module and splits the file
into lines: for the four hundred modules the desktop app loads after Qt (SQLAlchemy, the
store, the services), that was a sixth of the start-up time. Homeward uses no
``__feature__``; the same answer is found by reading the file's bytes.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - loads the binding's support modules patched below

_FEATURE_MODULE = "shibokensupport.feature"


def mentions_pyside(module: ModuleType) -> bool:
    """What PySide's own check answers: does the module's source file mention PySide6?
    (False for modules without a source file, as there.)"""
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) if spec is not None else None
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False
    try:
        with open(origin, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def quick_pyside_import_check() -> bool:
    """Put :func:`mentions_pyside` in place of PySide's check; False if this binding has none
    (its imports then cost what they cost)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = mentions_pyside  # type: ignore[attr-defined]
    return True
