"""The desktop app: the only package that imports Qt."""

from app.ui.pyside_imports import quick_pyside_import_check

quick_pyside_import_check()  # before the rest of the app is imported after Qt
