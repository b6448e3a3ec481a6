"""Error codes are stable and unique: scripts and logs tell failures apart by them."""

import importlib
import pkgutil

import app
from app.domain.errors import HomewardError


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_error_code_belongs_to_one_error_family():
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if not module.name.startswith(("app.ui", "app.__main__")):
            importlib.import_module(module.name)
    owners: dict[str, type] = {}
    for error in _all_subclasses(HomewardError):
        first = owners.setdefault(error.code, error)
        # subclasses may share their family's code (a more precise message, same code)
        assert issubclass(error, first) or issubclass(first, error), (
            f"{error.__name__} and {first.__name__} both use {error.code}"
        )
