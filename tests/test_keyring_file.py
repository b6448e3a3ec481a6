"""The key ring file is trusted with nothing: damaged or hostile files are refused at once,
with the reason, and never make sign-in hang or eat memory."""

import json
import time

import pytest

from app.domain.errors import StoreUnreadable
from app.store.keyring import Keyring
from test_cli import homeward


def _mutations():
    def slot(change):
        def apply(doc):
            change(next(iter(doc["slots"].values())))
            return json.dumps(doc)

        return apply

    def top(change):
        def apply(doc):
            change(doc)
            return json.dumps(doc)

        return apply

    return {
        "huge time cost": slot(lambda s: s.update(t=10**6)),
        "huge memory": slot(lambda s: s.update(m=2**31)),
        "zero parallelism": slot(lambda s: s.update(p=0)),
        "cost as text": slot(lambda s: s.update(t="3")),
        "cost as bool": slot(lambda s: s.update(p=True)),
        "salt not base64": slot(lambda s: s.update(salt="%%%")),
        "short nonce": slot(lambda s: s.update(nonce="AAAA")),
        "wrapped key cut": slot(lambda s: s.update(wrapped=s["wrapped"][:20])),
        "slot field missing": slot(lambda s: s.pop("salt")),
        "slot field added": slot(lambda s: s.update(extra=1)),
        "another kdf": slot(lambda s: s.update(kdf="md5")),
        "slots a list": top(lambda d: d.update(slots=[])),
        "top kdf huge": top(lambda d: d["kdf"].update(m=10**12)),
        "unknown format": top(lambda d: d.update(format=2)),
        "bad user name": top(lambda d: d.update(default_user="../../etc")),
        "extra top field": top(lambda d: d.update(more="x")),
        "duplicate key": lambda doc: json.dumps(doc)[:-1] + ', "format": 1}',
        "NaN": lambda doc: json.dumps(doc).replace('"format": 1', '"format": NaN'),
        "deep nesting": lambda doc: "[" * 100_000 + "]" * 100_000,
        "not json": lambda doc: "keyring",
        "not utf-8": lambda doc: "\udcff",
        "too large": lambda doc: " " * 2_000_000 + json.dumps(doc),
    }


MUTATIONS = _mutations()


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_a_damaged_key_file_is_refused_at_once(installed, name):
    path = installed.keyring
    document = json.loads(path.read_text())
    text = MUTATIONS[name](document)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    started = time.monotonic()
    with pytest.raises(StoreUnreadable) as refused:
        Keyring.load(path)
    assert time.monotonic() - started < 2
    assert "key" in str(refused.value) or "cannot be read" in str(refused.value)


def test_the_command_line_says_what_is_wrong_in_one_line(tmp_path):
    data = tmp_path / "data"
    homeward(data, "init", "--role", "office", "--office", "SK", "--office-name", "SK office",
             "--admin", "anna")  # fmt: skip
    document = json.loads((data / "keyring.json").read_text())
    next(iter(document["slots"].values()))["m"] = 2**31
    (data / "keyring.json").write_text(json.dumps(document))
    done = homeward(data, "cases")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "out of bounds" in done.stderr
    assert "Traceback" not in done.stderr
