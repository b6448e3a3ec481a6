"""Shared fixtures: a fresh encrypted installation per test, Qt offscreen, English."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANG"] = "en_GB.UTF-8"
os.environ.pop("HOMEWARD_DATA_DIR", None)
os.environ.pop("HOMEWARD_PASSWORD", None)

from collections.abc import Iterator

import pytest

from app.config import DataPaths
from app.i18n import set_language

from tests_support import PASSWORD, TEST_KDF


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def paths(tmp_path) -> DataPaths:
    return DataPaths(tmp_path / "data")


@pytest.fixture
def installed(paths: DataPaths) -> DataPaths:
    from app.services.workspace import initialise

    initialise(
        paths,
        role="office",
        office_code="SK",
        office_name="Bratislava office",
        admin_username="anna",
        admin_password=PASSWORD,
        admin_display_name="Anna Kováčová",
        kdf=TEST_KDF,
    )
    return paths


@pytest.fixture
def workspace(installed: DataPaths):
    from app.services.workspace import unlock

    opened = unlock(installed, "anna", PASSWORD)
    yield opened
    opened.close()


@pytest.fixture(scope="session", autouse=True)
def _prepared_application(qapp):
    """The application as Homeward prepares it: its own fonts (whatever the machine has
    installed)."""
    from app.ui.application import prepare

    prepare(qapp)


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the run (HQ on a server); failing to start it
    fails the tests that need it, it never skips them."""
    from pg_server import running_server

    with running_server() as server:
        yield server


@pytest.fixture
def hq_database_url(postgres) -> str:
    """An empty database of its own for one test's HQ."""
    return postgres.new_database()
