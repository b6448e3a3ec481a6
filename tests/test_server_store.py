"""HQ's store on PostgreSQL: the same migrations and models, the search's tsvector twin, a
database that is not empty or belongs to another installation, and backups left to the
server's administrator."""

import json

import pytest
from sqlalchemy import inspect, text

from app.config import DataPaths
from app.domain.errors import NotOnServer, ServerStoreInUse, StoreOfAnotherInstallation
from app.services.backup import back_up
from app.services.cases import CaseQuery, CaseRegister
from app.services.demo import add_demo_cases
from app.services.history import verify_audit_trail
from app.services.workspace import initialise, unlock
from app.store.migrate import current_revision_on, head_revision
from test_cli import homeward

from tests_support import PASSWORD, TEST_KDF


def _set_up(folder, database_url=None):
    paths = DataPaths(folder, database_url=database_url)
    initialise(paths, role="hq", office_code="HQ", office_name="Headquarters",
               admin_username="anna", admin_password=PASSWORD, kdf=TEST_KDF)  # fmt: skip
    return paths


@pytest.fixture
def on_server(tmp_path, hq_database_url):
    workspace = unlock(_set_up(tmp_path / "hq", hq_database_url), "anna", PASSWORD)
    yield workspace
    workspace.close()


def test_the_migrations_build_the_same_store_on_the_server(on_server):
    engine = on_server.engine
    assert engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        assert current_revision_on(connection) == head_revision()
        columns = {c["name"] for c in inspect(connection).get_columns("case_search")}
        assert {"case_number", "names", "places", "document"} <= columns
        indexes = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE tablename = 'case_search'")
        ).scalars()
        assert any("gin" in definition.lower() for definition in indexes)
    assert verify_audit_trail(on_server).broken is None


def test_search_on_the_server_finds_what_the_office_search_finds(on_server, workspace):
    for side in (on_server, workspace):
        add_demo_cases(side, 120, seed=5)
    queries = set()
    for row in CaseRegister(workspace).page(CaseQuery(), 0, 40):
        queries |= {row.family_name[:3], row.given_name, row.region_of_return.split(" ")[0]}
    queries |= {"2026", "nguy", "zzzz"}
    for query in sorted(q for q in queries if q):
        expected = {r.case_number for r in CaseRegister(workspace).page(CaseQuery(query), 0, 500)}
        found = {r.case_number for r in CaseRegister(on_server).page(CaseQuery(query), 0, 500)}
        assert found == expected, query
        assert CaseRegister(on_server).count(CaseQuery(query)) == len(expected)


def test_a_database_already_in_use_is_not_set_up_again(tmp_path, hq_database_url):
    _set_up(tmp_path / "first", hq_database_url)
    with pytest.raises(ServerStoreInUse):
        _set_up(tmp_path / "second", hq_database_url)
    stranger = _set_up(tmp_path / "stranger", None)  # a key ring of another installation
    pointed = DataPaths(stranger.root, database_url=hq_database_url)
    with pytest.raises(StoreOfAnotherInstallation):
        unlock(pointed, "anna", PASSWORD)


def test_backups_are_the_servers_business(on_server, tmp_path):
    with pytest.raises(NotOnServer):
        back_up(on_server, tmp_path / "hq.hwbackup")
    assert not (tmp_path / "hq.hwbackup").exists()


def test_the_command_line_on_a_server(tmp_path, hq_database_url):
    folder = tmp_path / "hq"
    server = {"HOMEWARD_DATABASE_URL": hq_database_url}
    done = homeward(folder, "init", "--role", "hq", "--office", "HQ", "--office-name", "HQ",
                    "--admin", "anna", env_extra=server)  # fmt: skip
    assert done.returncode == 0, done.stderr
    settings = json.loads((folder / "settings.json").read_text())
    assert settings["database_url"] == hq_database_url  # no password in it to leave out
    assert homeward(folder, "demo", "--cases", "20").returncode == 0
    listed = homeward(folder, "cases", "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)["cases"]) == 20
    refused = homeward(folder, "backup", "--to", str(tmp_path / "hq.hwbackup"))
    assert refused.returncode != 0 and refused.stderr.count("\n") == 1
    assert "pg_dump" in refused.stderr
