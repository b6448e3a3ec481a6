"""Three-way merge of a case changed at an office and at HQ: never a silent overwrite."""

from hypothesis import given
from hypothesis import strategies as st

from app.domain.merge import FieldConflict, three_way

BASE = {"returnee.given_name": "Lan", "returnee.family_name": "Tran", "status": "submitted"}


def test_a_field_changed_on_one_side_takes_that_sides_value():
    office = {**BASE, "returnee.given_name": "Lân"}
    hq = {**BASE, "status": "approved"}
    result = three_way(BASE, office, hq)
    assert result.merged == {**BASE, "returnee.given_name": "Lân", "status": "approved"}
    assert result.conflicts == [] and result.taken_from_office == ["returnee.given_name"]


def test_the_same_field_changed_differently_is_a_conflict_keeping_hqs_value():
    office = {**BASE, "returnee.family_name": "Trần"}
    hq = {**BASE, "returnee.family_name": "Tran Thi"}
    result = three_way(BASE, office, hq)
    assert result.conflicts == [FieldConflict("returnee.family_name", "Tran", "Trần", "Tran Thi")]
    assert result.merged["returnee.family_name"] == "Tran Thi"


def test_the_same_change_on_both_sides_and_removed_fields():
    office = {k: v for k, v in BASE.items() if k != "status"}
    result = three_way(BASE, office, dict(BASE))
    assert "status" not in result.merged and result.conflicts == []
    same = {**BASE, "returnee.given_name": "Lân"}
    assert three_way(BASE, same, same).conflicts == []


values = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b"]))
fields = st.dictionaries(st.sampled_from(["x", "y", "z"]), values, max_size=3)


@given(fields, fields, fields)
def test_merge_properties(base, office, hq):
    result = three_way(base, office, hq)
    conflicted = {c.field for c in result.conflicts}
    for path in set(base) | set(office) | set(hq):
        if path in conflicted:
            assert result.merged.get(path) == hq.get(path)
        elif office.get(path) == base.get(path):
            assert result.merged.get(path) == hq.get(path)  # nothing from the office
        else:
            assert result.merged.get(path) == office.get(path)
    assert three_way(base, base, hq).merged == {k: v for k, v in hq.items()}
