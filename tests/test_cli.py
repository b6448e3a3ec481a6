"""The command line as scripts at HQ use it: real processes, real key derivation."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

PASSWORD = "a long enough password"


def homeward(data_dir, *args, password=PASSWORD, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    env["HOMEWARD_DATA_DIR"] = str(data_dir)
    if password is not None:
        env["HOMEWARD_PASSWORD"] = password
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def snapshot(folder):
    return {
        p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        # the log and the count of wrong passwords are meant to change on a refusal
        if p.is_file() and "logs" not in p.parts and p.name != "sign-in-attempts.json"
    }


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli") / "data"
    done = homeward(
        data,
        "init",
        "--role",
        "office",
        "--office",
        "SK",
        "--office-name",
        "Bratislava office",
        "--admin",
        "anna",
    )
    assert done.returncode == 0, done.stderr
    assert "SK" in done.stdout
    done = homeward(data, "demo", "--cases", "120", "--seed", "11")
    assert done.returncode == 0, done.stderr
    return data


def test_version():
    done = subprocess.run(
        [sys.executable, "-m", "app", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("homeward ")


def test_search_json_finds_a_demo_surname(demo_dir):
    everything = json.loads(homeward(demo_dir, "cases", "--json").stdout)
    assert everything["total"] == 120 and len(everything["cases"]) == 120
    surname = everything["cases"][7]["family_name"]
    done = homeward(demo_dir, "cases", "--search", surname, "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["total"] >= 1
    assert all(surname.lower() in json.dumps(c, ensure_ascii=False).lower() for c in found["cases"])
    assert everything["cases"][7]["case_number"] in {c["case_number"] for c in found["cases"]}


def test_demo_spans_countries_and_languages(demo_dir):
    cases = json.loads(homeward(demo_dir, "cases", "--json").stdout)["cases"]
    assert len({c["country_of_return"] for c in cases}) >= 8
    assert len({c["session_language"] for c in cases}) >= 6


def test_show_one_case(demo_dir):
    first = json.loads(homeward(demo_dir, "cases", "--json", "--limit", "1").stdout)["cases"][0]
    done = homeward(demo_dir, "case", first["case_number"], "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["uuid"] == first["uuid"] and isinstance(shown["household"], list)


@pytest.mark.parametrize(
    ("args", "password", "code", "message"),
    [
        (("cases",), "wrong password", 3, "Wrong user name or password."),
        (("case", "SK-2020-99999"), PASSWORD, 4, "No case with the number SK-2020-99999."),
        (
            ("init", "--role", "hq", "--office", "HQ", "--office-name", "x", "--admin", "bob"),
            PASSWORD,
            5,
            "already set up",
        ),
        (("demo", "--cases", "0"), PASSWORD, 2, "between 1 and 100000"),
        (("cases",), None, 3, "A password is needed"),
        (("--user", "nobody", "cases"), PASSWORD, 3, "Wrong user name or password."),
    ],
)
def test_failures_are_one_line_and_change_nothing(demo_dir, args, password, code, message):
    before = snapshot(demo_dir)
    done = homeward(demo_dir, *args, password=password)
    assert done.returncode == code
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("homeward: ") and message in lines[0]
    assert "Traceback" not in done.stderr
    assert snapshot(demo_dir) == before


def test_commands_on_an_empty_folder_leave_it_empty(tmp_path):
    data = tmp_path / "nothing"
    done = homeward(data, "cases")
    assert done.returncode == 1 and "homeward init" in done.stderr
    done = homeward(
        data,
        "init",
        "--role",
        "office",
        "--office",
        "s",
        "--office-name",
        "x",
        "--admin",
        "anna",
        password="short",
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert not data.exists()


def test_accounts_from_the_command_line(demo_dir):
    done = homeward(
        demo_dir,
        "users",
        "add",
        "boris",
        "--role",
        "counsellor",
        env_extra={"HOMEWARD_NEW_PASSWORD": "boris password"},
    )
    assert done.returncode == 0, done.stderr
    done = homeward(
        demo_dir, "--user", "boris", "cases", "--limit", "1", "--json", password="boris password"
    )
    assert done.returncode == 0 and json.loads(done.stdout)["total"] == 120
    done = homeward(
        demo_dir,
        "--user",
        "boris",
        "users",
        "add",
        "carla",
        "--role",
        "admin",
        password="boris password",
        env_extra={"HOMEWARD_NEW_PASSWORD": "xxxxxxxxxx"},
    )
    assert done.returncode == 3 and "does not allow" in done.stderr


def test_languages_json():
    done = subprocess.run(
        [sys.executable, "-m", "app", "languages", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    languages = {entry["code"]: entry for entry in json.loads(done.stdout)}
    assert len(languages) == 15
    assert languages["ar"]["direction"] == "rtl" and languages["ka"]["script"] == "Geor"
    assert languages["sk"]["form_language"] is False
    for code, entry in languages.items():
        if entry["form_language"]:
            assert entry["forms"]["percent"] == 100.0 and entry["forms"]["total"] > 150, code
        assert entry["ui"]["translated"] == entry["ui"]["total"] > 150, code


FORM_LANGUAGES = [
    "en",
    "ru",
    "uk",
    "vi",
    "ka",
    "ro",
    "sq",
    "az",
    "ar",
    "fa",
    "ps",
    "ur",
    "es",
    "fr",
]


@pytest.fixture(scope="module")
def printable_case(demo_dir):
    cases = json.loads(homeward(demo_dir, "cases", "--json").stdout)["cases"]
    return next(c for c in cases if c["status"] in ("ready", "submitted", "approved", "closed"))


def _without_joiners(text):
    return text.replace("\u200c", "").replace("\u200d", "")


def _text_of(pdf_path):
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("lang", FORM_LANGUAGES)
def test_print_request_form_in_every_form_language(demo_dir, printable_case, tmp_path, lang):
    from app.i18n import gettext

    out = tmp_path / f"request-{lang}.pdf"
    done = homeward(demo_dir, "print", printable_case["case_number"], "--form", "request",
                    "--lang", lang, "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Joiners (ZWNJ in Dari and Persian) shape the letters but have no glyph to extract.
    text = _without_joiners(_text_of(out))
    assert printable_case["family_name"] in text
    for label in ("Reintegration assistance request form", "Family name", "Returnee"):
        expected = _without_joiners(gettext(label, lang))
        assert expected in text, (lang, expected)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]  # fmt: skip
        assert fonts and all(" yes yes yes " in line for line in fonts), fonts


def test_print_failures_change_nothing(demo_dir, printable_case, tmp_path):
    before = snapshot(demo_dir)
    done = homeward(demo_dir, "print", "SK-1999-00001", "--form", "plan",
                    "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert done.returncode == 4 and not (tmp_path / "x.pdf").exists()
    done = homeward(demo_dir, "print", printable_case["case_number"], "--form", "plan",
                    "--out", str(tmp_path / "missing" / "x.pdf"))  # fmt: skip
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert snapshot(demo_dir) == before


def test_office_budget_from_the_command_line(demo_dir):
    done = homeward(demo_dir, "office", "--budget-cap", "1600", "--rate", "gel=0.33",
                    "--rates-date", "2026-11-01", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    settings = json.loads(done.stdout)
    assert settings["budget_cap_eur"] == "1600" and settings["rates_to_eur"]["GEL"] == "0.33"
    before = snapshot(demo_dir)
    done = homeward(demo_dir, "office", "--rate", "GEL=abc")
    assert done.returncode == 2 and "exchange rate" in done.stderr
    assert snapshot(demo_dir) == before


def test_a_new_account_never_gets_the_admins_password(demo_dir):
    before = snapshot(demo_dir)
    done = homeward(demo_dir, "users", "add", "carla", "--role", "counsellor")
    assert done.returncode == 3 and "HOMEWARD_NEW_PASSWORD" in done.stderr
    assert snapshot(demo_dir) == before


def test_usage_mistakes_are_one_line_too(demo_dir):
    done = homeward(demo_dir, "print", "SK-2026-00001")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--form" in done.stderr


def test_dates_of_birth_stay_iso_even_when_only_the_year_is_known(demo_dir):
    import re

    cases = json.loads(homeward(demo_dir, "cases", "--json").stdout)["cases"]
    born = [c["date_of_birth"] for c in cases if c["date_of_birth"]]
    assert all(re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", b) for b in born)
    year_only = next(c for c in cases if c["date_of_birth"] and len(c["date_of_birth"]) == 4)
    shown = homeward(demo_dir, "case", year_only["case_number"])
    assert f"date_of_birth: {year_only['date_of_birth']}\n" in shown.stdout


def test_data_folder_is_made_owner_only_on_every_start(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    done = homeward(data, "init", "--role", "office", "--office", "SK", "--office-name",
                    "Bratislava office", "--admin", "anna")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (data / "backups").mkdir(exist_ok=True)
    (data / "backups" / "old-copy.db").write_bytes(b"x")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert homeward(data, "cases").returncode == 0
    modes = {p.relative_to(tmp_path).as_posix(): p.stat().st_mode & 0o777
             for p in [data, *data.rglob("*")]}  # fmt: skip
    assert modes["data"] == 0o700
    assert all(mode == (0o700 if (tmp_path / name).is_dir() else 0o600)
               for name, mode in modes.items()), modes  # fmt: skip


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (("--database-url", "mysql://hq:s3cret@db.example/homeward"), "mysql://hq@db.example"),
        (("--database-url", "sqlite:///tmp/homeward.db"), "sqlite:///tmp/homeward.db"),
        ({"HOMEWARD_DATABASE_URL": "postgres:/hq:s3cret@db"}, "cannot be read"),
    ],
)
def test_a_database_address_that_is_not_postgresql_is_refused_in_one_line(
    demo_dir, tmp_path, given, shown
):
    options = given if isinstance(given, tuple) else ()
    env = given if isinstance(given, dict) else None
    before = snapshot(demo_dir)
    fresh = tmp_path / "hq"
    init = ("init", "--role", "hq", "--office", "HQ", "--office-name", "HQ", "--admin", "bob")
    for data, command in ((demo_dir, ("cases",)), (fresh, init), (demo_dir, ("status",))):
        # No password either: refused before any prompt.
        done = homeward(data, *options, *command, password=None, env_extra=env)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("homeward: ") and shown in lines[0]
        assert "postgresql" in lines[0].lower() and "s3cret" not in done.stderr
        assert done.stdout == ""
    assert snapshot(demo_dir) == before
    assert not fresh.exists()


def test_status_without_a_case_says_where_the_cases_are(demo_dir, tmp_path):
    done = homeward(demo_dir, "status", password=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Data folder: {demo_dir}",
        f"Cases: {demo_dir / 'homeward.db'} (encrypted file)",
    ]
    shown = json.loads(homeward(demo_dir, "status", "--json", password=None).stdout)
    assert shown == {
        "data_dir": str(demo_dir),
        "store": str(demo_dir / "homeward.db"),
        "on_server": False,
        "initialised": True,
    }
    empty = tmp_path / "not-yet"
    done = homeward(empty, "status")
    assert done.returncode == 0 and "homeward init" in done.stdout and not empty.exists()
    # Moving a case on still needs both the case and the status, and options need a case.
    for args, named in ((("status", "SK-2026-00001"), "STATUS"), (("status", "--reason", "x"),
                                                                   "--reason")):  # fmt: skip
        done = homeward(demo_dir, *args)
        assert done.returncode == 2 and named in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_an_hq_on_postgresql_shows_its_server_without_the_password(tmp_path):
    from pg_server import running_server

    with running_server() as server:
        # The throwaway server trusts loopback, so a password in the address is ignored
        # there: what matters is that it is never shown or written down.
        url = server.new_database().replace(f"//{server.user}@", f"//{server.user}:s3cret@")
        assert ":s3cret@127.0.0.1" in url
        bare = url.replace(":s3cret", "")
        data = tmp_path / "hq"
        init = ("init", "--role", "hq", "--office", "HQ", "--office-name", "HQ", "--admin", "bob")
        done = homeward(data, "--database-url", url, *init)
        assert done.returncode == 0, done.stderr
        # Later commands find the server through the address recorded at set-up.
        done = homeward(data, "status", password=None)
        assert done.returncode == 0, done.stderr
        assert f"Cases: {bare} (PostgreSQL server)" in done.stdout.splitlines()
        shown = json.loads(homeward(data, "status", "--json", password=None).stdout)
        assert shown["store"] == bare and shown["on_server"] and shown["initialised"]
        done = homeward(data, "demo", "--cases", "3", "--seed", "1")
        assert done.returncode == 0, done.stderr
        assert json.loads(homeward(data, "cases", "--json").stdout)["total"] == 3
        # Given again (the option, or the environment), the password still shows nowhere.
        done = homeward(data, "--database-url", url, "status", "--json", password=None)
        assert json.loads(done.stdout)["store"] == bare
        done = homeward(data, "status", password=None, env_extra={"HOMEWARD_DATABASE_URL": url})
        assert bare in done.stdout
        leaked = [p for p in data.rglob("*") if p.is_file() and b"s3cret" in p.read_bytes()]
        assert leaked == [] and "s3cret" not in done.stdout + done.stderr


def test_version_imports_no_command_and_no_store():
    child = (
        "import json, sys\n"
        "from app.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('app.', 'sqlalchemy')))))"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert [m for m in loaded if m.startswith("app.cli.")] == ["app.cli.dispatch", "app.cli.parser"]
    assert not any(m.startswith(("sqlalchemy", "app.services", "app.store")) for m in loaded)
