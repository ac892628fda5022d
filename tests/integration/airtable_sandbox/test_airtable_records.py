"""Conformance of record listing and writing, with pyairtable 3.5 against the running sandbox."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from integration.airtable_sandbox.airtable_conformance import TEST_BASE, TOKEN
from pyairtable.formulas import OR, Field

from airtable_sandbox.testing import RunningSandbox


def _requests(sandbox: RunningSandbox, method: str, path_end: str) -> list[dict[str, Any]]:
    return [
        entry
        for entry in sandbox.request_log()["log"]
        if entry["method"] == method and entry["path"].endswith(path_end)
    ]


def _make_items(items: Any, count: int) -> list[dict[str, Any]]:
    rows = [
        {"Name": f"item-{index:03d}", "Qty": index % 7, "Price": float(index)}
        for index in range(count)
    ]
    return list(items.batch_create(rows))


def test_paging_over_250_records(sandbox: RunningSandbox, items: Any) -> None:
    _make_items(items, 250)
    sandbox.admin("DELETE", "requests")

    records = items.all()

    assert len(records) == 250
    assert [record["fields"]["Name"] for record in records[:3]] == [
        "item-000",
        "item-001",
        "item-002",
    ]
    assert len({record["id"] for record in records}) == 250
    assert len(_requests(sandbox, "GET", "/Items")) == 3


def test_paging_page_size_and_max_records(items: Any) -> None:
    _make_items(items, 250)

    page_sizes = [len(page) for page in items.iterate(page_size=40, max_records=130)]

    assert page_sizes == [40, 40, 40, 10]


def test_paging_rejects_page_size_above_100(sandbox: RunningSandbox) -> None:
    response = httpx.get(
        f"{sandbox.url}/v0/{TEST_BASE}/Items",
        params={"pageSize": 101},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "INVALID_REQUEST_UNKNOWN"


def test_paging_unknown_offset_is_rejected(sandbox: RunningSandbox) -> None:
    response = httpx.get(
        f"{sandbox.url}/v0/{TEST_BASE}/Items",
        params={"offset": "itrAAAAAAAAAAAAAA/recAAAAAAAAAAAAAA"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"


FORMULA_CASES: list[tuple[str, list[str]]] = [
    ("{Status} = 'Sold'", ["bolt", "nut"]),
    ("{Status} != 'Sold'", ["gear", "washer"]),
    ("{Qty} > 5", ["bolt", "gear"]),
    ("{Qty} <= 2", ["nut", "washer"]),
    ("AND({Status} = 'Sold', {Qty} >= 10)", ["bolt"]),
    ("OR({Name} = 'nut', {Name} = 'gear')", ["gear", "nut"]),
    ("NOT({Done})", ["gear", "nut", "washer"]),
    ("FIND('ea', {Name})", ["gear"]),
    ("SEARCH('as', {Name})", ["washer"]),
    ("LOWER(TRIM({Notes})) = 'rusty'", ["nut"]),
    ("TRIM({Notes}) = 'Rusty'", ["nut"]),
    ("LEN({Name}) = 3", ["nut"]),
    ("{Notes} = BLANK()", ["bolt", "gear", "washer"]),
    ("{Notes} = ''", ["bolt", "gear", "washer"]),
    ("FIND('b', ARRAYJOIN({Tags}))", ["bolt", "nut"]),
    ("{Name} & '-' & {Qty} = 'bolt-12'", ["bolt"]),
    ("IF({Qty} > 10, TRUE(), FALSE())", ["bolt"]),
    ("UPPER({Name}) = 'GEAR'", ["gear"]),
    ("TRUE()", ["bolt", "gear", "nut", "washer"]),
    ("FALSE()", []),
]


@pytest.mark.parametrize(("formula", "expected"), FORMULA_CASES)
def test_formula_filters(items: Any, formula: str, expected: list[str]) -> None:
    items.batch_create(
        [
            {"Name": "bolt", "Qty": 12, "Status": "Sold", "Tags": ["a", "b"], "Done": True},
            {"Name": "nut", "Qty": 2, "Status": "Sold", "Tags": ["b"], "Notes": " Rusty "},
            {"Name": "gear", "Qty": 7, "Status": "New"},
            {"Name": "washer", "Qty": 1, "Tags": ["c"]},
        ]
    )

    names = sorted(record["fields"]["Name"] for record in items.all(formula=formula))

    assert names == expected


def test_formula_record_id(items: Any) -> None:
    created = items.batch_create([{"Name": "one"}, {"Name": "two"}])
    found = items.all(formula=f"RECORD_ID() = '{created[1]['id']}'")
    assert [record["id"] for record in found] == [created[1]["id"]]


def test_formula_unknown_function_is_422(sandbox: RunningSandbox) -> None:
    response = httpx.get(
        f"{sandbox.url}/v0/{TEST_BASE}/Items",
        params={"filterByFormula": "DATETIME_DIFF({Name}, 1)"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "INVALID_FILTER_BY_FORMULA"
    assert "DATETIME_DIFF" in error["message"]


def test_long_formula_goes_through_post_list_records(sandbox: RunningSandbox, items: Any) -> None:
    items.batch_create([{"Name": "target"}, {"Name": "other"}])
    names = ["target"] + [f"missing-name-{index:05d}" for index in range(700)]
    formula = OR(*(Field("Name").eq(name) for name in names))
    sandbox.admin("DELETE", "requests")

    found = items.all(formula=formula, fields=["Name"])

    assert [record["fields"]["Name"] for record in found] == ["target"]
    assert len(_requests(sandbox, "POST", "/Items/listRecords")) == 1


def test_fields_parameter_limits_fields(items: Any) -> None:
    items.create({"Name": "bolt", "Qty": 3, "Notes": "x"})

    record = items.all(fields=["Name", "Qty"])[0]

    assert set(record["fields"]) == {"Name", "Qty"}


def test_fields_parameter_unknown_field_is_422(items: Any) -> None:
    items.create({"Name": "bolt"})
    with pytest.raises(Exception) as caught:
        items.all(fields=["Nope"])
    assert "UNKNOWN_FIELD_NAME" in str(caught.value)


def test_sort_by_one_and_two_fields(items: Any) -> None:
    items.batch_create(
        [
            {"Name": "b", "Qty": 1},
            {"Name": "a", "Qty": 2},
            {"Name": "C", "Qty": 1},
            {"Name": "d"},
        ]
    )

    by_name = [record["fields"]["Name"] for record in items.all(sort=["Name"])]
    by_qty_desc = [record["fields"]["Name"] for record in items.all(sort=["-Qty", "Name"])]

    assert by_name == ["a", "b", "C", "d"]
    assert by_qty_desc == ["a", "b", "C", "d"]


def test_view_filters_and_sorts_by_name_or_id(items: Any) -> None:
    items.batch_create(
        [
            {"Name": "low", "Qty": 1, "Status": "Sold"},
            {"Name": "high", "Qty": 9, "Status": "Sold"},
            {"Name": "new", "Qty": 5, "Status": "New"},
        ]
    )

    by_name = [record["fields"]["Name"] for record in items.all(view="Sold")]
    by_id = [record["fields"]["Name"] for record in items.all(view="viwSold0000000001")]
    resorted = [record["fields"]["Name"] for record in items.all(view="Sold", sort=["Qty"])]

    assert by_name == ["high", "low"]
    assert by_id == ["high", "low"]
    assert resorted == ["low", "high"]


def test_view_unknown_is_422(items: Any) -> None:
    with pytest.raises(Exception) as caught:
        items.all(view="Nope")
    assert "VIEW_NAME_NOT_FOUND" in str(caught.value)


def test_batch_create_25_records_takes_3_requests(sandbox: RunningSandbox, items: Any) -> None:
    sandbox.admin("DELETE", "requests")

    created = items.batch_create([{"Name": f"n{index}"} for index in range(25)])

    assert len(created) == 25
    assert len(_requests(sandbox, "POST", "/Items")) == 3


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT"])
def test_batch_of_11_records_is_422(sandbox: RunningSandbox, items: Any, method: str) -> None:
    existing = items.batch_create([{"Name": f"n{index}"} for index in range(11)])
    records: list[dict[str, Any]] = [{"fields": {"Name": "x"}} for _ in range(11)]
    if method != "POST":
        records = [{"id": record["id"], "fields": {"Name": "x"}} for record in existing]

    response = httpx.request(
        method,
        f"{sandbox.url}/v0/{TEST_BASE}/Items",
        json={"records": records},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["type"] == "INVALID_RECORDS"
    assert len(items.all(formula="{Name} = 'x'")) == 0


def test_delete_of_11_records_is_422(sandbox: RunningSandbox, items: Any) -> None:
    existing = items.batch_create([{"Name": f"n{index}"} for index in range(11)])
    response = httpx.delete(
        f"{sandbox.url}/v0/{TEST_BASE}/Items",
        params=[("records[]", record["id"]) for record in existing],
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert len(items.all()) == 11


def test_update_patch_merges_and_put_replaces(items: Any) -> None:
    record = items.create({"Name": "bolt", "Qty": 3, "Notes": "keep"})

    patched = items.update(record["id"], {"Qty": 4})
    replaced = items.update(record["id"], {"Name": "bolt2"}, replace=True)

    assert patched["fields"] == {"Name": "bolt", "Qty": 4, "Notes": "keep"}
    assert replaced["fields"] == {"Name": "bolt2"}
    assert items.get(record["id"])["fields"] == {"Name": "bolt2"}


def test_batch_update_and_delete(items: Any) -> None:
    created = items.batch_create([{"Name": f"n{index}"} for index in range(12)])

    updated = items.batch_update([{"id": record["id"], "fields": {"Qty": 1}} for record in created])
    deleted = items.batch_delete([record["id"] for record in created[:11]])

    assert all(record["fields"]["Qty"] == 1 for record in updated)
    assert [item["deleted"] for item in deleted] == [True] * 11
    assert [record["id"] for record in items.all()] == [created[11]["id"]]


def test_clearing_a_field_with_null(items: Any) -> None:
    record = items.create({"Name": "bolt", "Notes": "remove me"})
    updated = items.update(record["id"], {"Notes": None})
    assert updated["fields"] == {"Name": "bolt"}


def test_upsert_creates_and_updates(items: Any) -> None:
    existing = items.create({"Name": "bolt", "Qty": 1})

    result = items.batch_upsert(
        [{"fields": {"Name": "bolt", "Qty": 5}}, {"fields": {"Name": "nut", "Qty": 2}}],
        key_fields=["Name"],
    )

    assert result["updatedRecords"] == [existing["id"]]
    assert len(result["createdRecords"]) == 1
    assert sorted((r["fields"]["Name"], r["fields"]["Qty"]) for r in items.all()) == [
        ("bolt", 5),
        ("nut", 2),
    ]


def test_upsert_matches_numbers_by_value(items: Any) -> None:
    existing = items.create({"Name": "bolt", "Qty": 1001})

    result = items.batch_upsert([{"fields": {"Qty": 1001.0, "Notes": "seen"}}], key_fields=["Qty"])

    assert result["updatedRecords"] == [existing["id"]]
    assert result["createdRecords"] == []


def test_upsert_with_two_matches_is_422(items: Any) -> None:
    items.batch_create([{"Name": "dup"}, {"Name": "dup"}])
    with pytest.raises(Exception) as caught:
        items.batch_upsert([{"fields": {"Name": "dup", "Qty": 1}}], key_fields=["Name"])
    assert "INVALID_REQUEST_UNKNOWN" in str(caught.value)


def test_typecast_adds_select_option(sandbox: RunningSandbox, items: Any) -> None:
    with pytest.raises(Exception) as caught:
        items.create({"Name": "x", "Tags": ["a", "zz"]})
    assert "INVALID_MULTIPLE_CHOICE_OPTIONS" in str(caught.value)

    record = items.create({"Name": "x", "Tags": ["a", "zz"], "Qty": "7"}, typecast=True)

    assert record["fields"]["Tags"] == ["a", "zz"]
    assert record["fields"]["Qty"] == 7
    choices = [choice.name for choice in items.schema(force=True).field("Tags").options.choices]
    assert "zz" in choices


def test_unknown_field_on_create_is_422(items: Any) -> None:
    with pytest.raises(Exception) as caught:
        items.create({"Nmae": "typo"})
    assert "UNKNOWN_FIELD_NAME" in str(caught.value)
    assert "Nmae" in str(caught.value)


def test_wrong_value_type_is_422(items: Any) -> None:
    with pytest.raises(Exception) as caught:
        items.create({"Qty": "seven"})
    assert "INVALID_VALUE_FOR_COLUMN" in str(caught.value)


def test_return_fields_by_field_id(sandbox: RunningSandbox) -> None:
    table = sandbox.api(use_field_ids=True).table(TEST_BASE, "tblItems000000001")
    record = table.create({"Name": "bolt"})
    name_id = table.schema().field("Name").id

    assert record["fields"] == {name_id: "bolt"}
    assert table.all()[0]["fields"] == {name_id: "bolt"}


def test_cell_format_string(items: Any) -> None:
    items.create({"Name": "bolt", "Price": 1250.5, "Tags": ["a", "b"], "Done": True})

    record = items.all(cell_format="string", time_zone="America/Los_Angeles", user_locale="en-us")[
        0
    ]

    assert record["fields"]["Price"] == "$1,250.50"
    assert record["fields"]["Tags"] == "a, b"
    assert record["fields"]["Done"] == "checked"


def test_schema_of_demo_like_table(items: Any) -> None:
    schema = items.schema()
    assert schema.id == "tblItems000000001"
    assert [view.name for view in schema.views] == ["Grid view", "Sold"]
    assert schema.field("Photo").type == "multipleAttachments"
