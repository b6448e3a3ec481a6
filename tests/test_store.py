import json
import sqlite3

import pytest
from sqlalchemy import text

from app.domain.errors import AuthenticationFailed, StoreTooNew, StoreUnreadable
from app.store import migrate
from app.store.engine import open_engine
from app.store.keyring import KdfParams, Keyring, new_store_key

from tests_support import TEST_KDF


def test_key_slot_opens_only_with_its_password_and_name(tmp_path):
    key = new_store_key()
    ring = Keyring(installation="inst-1", default_user="anna", kdf=TEST_KDF)
    ring.seal("anna", "first password", key)
    ring.seal("boris", "second password", key)
    ring.save(tmp_path / "keyring.json")

    loaded = Keyring.load(tmp_path / "keyring.json")
    assert loaded.open("anna", "first password") == key
    assert loaded.open("boris", "second password") == key
    with pytest.raises(AuthenticationFailed):
        loaded.open("anna", "second password")
    with pytest.raises(AuthenticationFailed):
        loaded.open("nobody", "first password")
    # A slot copied under another user's name does not open: it is bound to the name.
    loaded.slots["boris"] = loaded.slots["anna"]
    with pytest.raises(AuthenticationFailed):
        loaded.open("boris", "first password")
    assert key.hex() not in (tmp_path / "keyring.json").read_text()


def test_key_slot_records_its_own_cost(tmp_path):
    ring = Keyring(installation="i", default_user="a", kdf=KdfParams(1, 8192, 1))
    ring.seal("a", "password1", b"k" * 32)
    ring.kdf = KdfParams()  # a later default does not break older slots
    assert ring.open("a", "password1") == b"k" * 32


def test_damaged_key_file_is_reported(tmp_path):
    path = tmp_path / "keyring.json"
    path.write_text("{not json")
    with pytest.raises(StoreUnreadable):
        Keyring.load(path)
    path.write_text(json.dumps({"format": 99}))
    with pytest.raises(StoreUnreadable):
        Keyring.load(path)


def test_store_is_encrypted_and_configured(tmp_path):
    path = tmp_path / "store.db"
    key = new_store_key()
    engine = open_engine(path, key)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (name TEXT)"))
        connection.execute(text("INSERT INTO t VALUES ('Nguyễn Văn Secret')"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    raw = path.read_bytes()
    assert b"Secret" not in raw and b"SQLite format 3" not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM t").fetchall()
    with pytest.raises(StoreUnreadable):
        open_engine(path, new_store_key())


def test_newer_store_is_refused_untouched(tmp_path):
    path = tmp_path / "store.db"
    engine = open_engine(path, new_store_key())
    migrate.upgrade(engine, path, tmp_path / "backups")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    with pytest.raises(StoreTooNew):
        migrate.upgrade(engine, path, tmp_path / "backups")
    assert migrate.current_revision(engine) == "f00dfeed"
    assert not (tmp_path / "backups").exists()
    engine.dispose()


def test_backup_copies_the_encrypted_file(tmp_path):
    path = tmp_path / "store.db"
    engine = open_engine(path, key := new_store_key())
    migrate.upgrade(engine, path, None)
    copy = migrate.backup_file(engine, path, tmp_path / "backups", reason="test")
    engine.dispose()
    reopened = open_engine(copy, key)
    assert migrate.current_revision(reopened) == migrate.head_revision()
    reopened.dispose()


def test_upgrading_an_older_store_backs_it_up_first(tmp_path):
    from alembic import command

    path = tmp_path / "store.db"
    engine = open_engine(path, key := new_store_key())
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), "0001")
        connection.execute(
            text(
                "INSERT INTO office (id, uuid, code, name, created_at) "
                "VALUES (1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'SK', 'x', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO installation (id, uuid, role, office_id, budget_cap_eur, created_at)"
                " VALUES (1, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'office', 1, 1500, '2026-01-01')"
            )
        )
    assert migrate.upgrade(engine, path, tmp_path / "backups") is True
    with engine.connect() as connection:
        assert connection.execute(text("SELECT exchange_rates FROM installation")).scalar() == "{}"
    engine.dispose()
    (backup,) = (tmp_path / "backups").iterdir()
    old = open_engine(backup, key)
    assert migrate.current_revision(old) == "0001"
    old.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://hq:s3cret@db.example:5432/homeward",
        "postgresql://hq:s3cret@db.example/homeward?sslmode=require&password=s3cret",
        "mysql://hq:s3cret@db.example/homeward",
    ],
)
def test_a_server_address_is_shown_without_its_password(url):
    from app.store.engine import safe_url

    shown = safe_url(url)
    assert "s3cret" not in shown and "***" not in shown
    assert shown.split("://")[1].startswith("hq@db.example")
