"""Pure rules of the job flows: file names, column maps, auction requests, versions, MSRP
targets, the void window, the dedupe plan view and the bot's artifact keys.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from auction_gateway import job_rules, task_views
from auction_gateway.domain import FieldError, InvalidInput
from auction_gateway.records import AuctionEvent, TaskStep

from .fakes import NOW, event, task

SITE = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    ("raw", "shown", "key"),
    [
        ("manifest.csv", "manifest.csv", "manifest.csv"),
        ("C:\\Users\\ana\\Lot #7.xlsx", "Lot #7.xlsx", "Lot_7.xlsx"),
        ("/tmp/../etc/passwd", "passwd", "passwd"),
        ("Überlieferung März.csv", "Überlieferung März.csv", "Uberlieferung_Marz.csv"),
        ("bad\x00name\n.csv", "badname.csv", "badname.csv"),
        ("..", "manifest", "manifest"),
        ("", "manifest", "manifest"),
        ("a" * 300 + ".csv", "a" * 255, "a" * 96 + ".csv"),
    ],
)
def test_filenames(raw: str, shown: str, key: str) -> None:
    assert job_rules.display_filename(raw) == shown
    assert job_rules.object_key_filename(raw) == key


def test_manifest_key_layout() -> None:
    assert job_rules.manifest_key("t-1", "a b.csv") == "manifests/t-1/a_b.csv"


@pytest.mark.parametrize(
    ("name", "size", "fragment"),
    [
        ("m.csv", 0, "is empty"),
        ("m.csv", job_rules.MAX_MANIFEST_BYTES + 1, "larger than 20 MB"),
        ("OLD.XLS", 10, "save it as .xlsx"),
    ],
)
def test_manifest_rejections(name: str, size: int, fragment: str) -> None:
    [error] = job_rules.check_manifest(name, size)
    assert error.field == "file"
    assert fragment in error.message
    assert name in error.message


def test_manifest_at_limit_accepted() -> None:
    assert job_rules.check_manifest("m.xlsx", job_rules.MAX_MANIFEST_BYTES) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'"Retail Each": MSRP\n"SKU #": LPN\n', {"Retail Each": "MSRP", "SKU #": "LPN"}),
        (b'{"Title": " Product Name "}', {"Title": "Product Name"}),
        (b'\xef\xbb\xbf{"Units": "Qty"}', {"Units": "Qty"}),
        (b"12: MSRP\n", {"12": "MSRP"}),
    ],
)
def test_column_map_accepted(data: bytes, expected: dict[str, str]) -> None:
    assert job_rules.parse_column_map(data, "map") == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "must be an object"),
        (b"- a\n", "must be an object"),
        (b"{bad", "not valid YAML or JSON"),
        (b"a: [1\n", "not valid YAML or JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"Title: null\n", "to null"),
        (b"Title: 5\n", "map each header to a field name"),
        (b"Title: ''\n", "map each header to a field name"),
        (b"'': MSRP\n", "headers need 1 to 200"),
        (("Title: " + "x" * 61).encode(), "a name of 61 characters"),
        (b"x" * (job_rules.MAX_COLUMN_MAP_BYTES + 1), "larger than 64 KB"),
        ("\n".join(f"h{i}: MSRP" for i in range(201)).encode(), "201 entries"),
    ],
)
def test_column_map_rejected(data: bytes, fragment: str) -> None:
    error = job_rules.parse_column_map(data, "odd.yaml")
    assert isinstance(error, FieldError)
    assert error.field == "column_map"
    assert fragment in error.message
    assert "'odd.yaml'" in error.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("  ", None), (" Send  to Auction ", "Send to Auction")],
)
def test_status_accepted(raw: str | None, expected: str | None) -> None:
    assert job_rules.parse_status(raw) == expected


def test_status_too_long() -> None:
    error = job_rules.parse_status("x" * 61)
    assert isinstance(error, FieldError)
    assert "at most 60" in error.message


def build_auction(**changes: str) -> tuple[str, str, str, date, time]:
    values = {
        "warehouse": "maule",
        "title": "  Weekly   sale ",
        "subtitle": "",
        "end_date": "2026-12-10",
        "end_time": "",
        **changes,
    }
    return job_rules.build_auction_request(
        **values, known_warehouses=("maule", "sahara"), today=date(2026, 12, 4)
    )


def test_auction_request_defaults() -> None:
    assert build_auction() == ("maule", "Weekly sale", "", date(2026, 12, 10), time(18, 30))
    assert build_auction(end_time="9:05")[4] == time(9, 5)
    assert build_auction(end_date="2026-12-04")[3] == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"warehouse": "boulder"}, "warehouse", "'boulder' is unknown"),
        ({"title": " "}, "title", "1 to 80"),
        ({"title": "x" * 81}, "title", "it has 81"),
        ({"subtitle": "y" * 81}, "subtitle", "at most 80"),
        ({"end_date": "12/10/2026"}, "end_date", "use the form 2026-12-10"),
        ({"end_date": "2026-12-03"}, "end_date", "in the past"),
        ({"end_time": "6:30 PM"}, "end_time", "24-hour HH:MM"),
        ({"end_time": "24:00"}, "end_time", "24-hour HH:MM"),
    ],
)
def test_auction_request_rejections(changes: dict[str, str], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        build_auction(**changes)
    [error] = raised.value.errors
    assert error.field == field
    assert fragment in error.message


def test_auction_request_names_every_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        build_auction(warehouse="x", title="", end_date="soon", end_time="noon")
    assert [error.field for error in raised.value.errors] == [
        "warehouse",
        "title",
        "end_date",
        "end_time",
    ]


@pytest.mark.parametrize(("raw", "expected"), [(None, None), ("", None), (" 3 ", 3), (2, 2)])
def test_version_accepted(raw: str | int | None, expected: int | None) -> None:
    assert job_rules.parse_version(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "v2", "1.5", "٣"])
def test_version_rejected(raw: str) -> None:
    error = job_rules.parse_version(raw)
    assert isinstance(error, FieldError)
    assert error.field == "version"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5000", Decimal("5000.00")),
        ("$5,000.5", Decimal("5000.50")),
        (1200, Decimal("1200.00")),
        ("0.01", Decimal("0.01")),
    ],
)
def test_target_msrp_accepted(raw: str | int, expected: Decimal) -> None:
    assert job_rules.parse_target_msrp(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "not an amount"),
        ("lots", "not an amount"),
        ("-5", "not an amount"),
        ("0", "must be above 0"),
        ("1.005", "more than 2 decimals"),
        ("99999999999", "above the maximum"),
    ],
)
def test_target_msrp_rejected(raw: str, fragment: str) -> None:
    error = job_rules.parse_target_msrp(raw)
    assert isinstance(error, FieldError)
    assert fragment in error.message


def ended(event_id: str, ends_at: datetime) -> AuctionEvent:
    return AuctionEvent(
        event_id=event_id,
        warehouse="maule",
        title="T",
        starts_at=ends_at - timedelta(days=6),
        ends_at=ends_at,
    )


def test_recently_ended_window() -> None:
    # NOW is 2026-12-04 12:00 site time; the window opens 2026-11-24 00:00 site time.
    window_start = datetime(2026, 11, 24, tzinfo=SITE)
    events = [
        ended("future", NOW + timedelta(hours=1)),
        ended("yesterday", NOW - timedelta(days=1)),
        ended("edge", window_start),
        ended("too-old", window_start - timedelta(minutes=1)),
    ]
    recent = job_rules.recently_ended(events, NOW, SITE)
    assert [item.event_id for item in recent] == ["yesterday", "edge"]


def test_void_event_checks() -> None:
    [missing] = job_rules.check_void_event("404", None, NOW, SITE)
    assert "not in the catalogue" in missing.message
    running = ended("E1", NOW + timedelta(days=2))
    [late] = job_rules.check_void_event("E1", running, NOW, SITE)
    assert "has not ended yet" in late.message
    old = ended("E0", NOW - timedelta(days=12))
    [too_old] = job_rules.check_void_event("E0", old, NOW, SITE)
    assert "not within the last 10 days" in too_old.message
    done = ended("E2", NOW - timedelta(days=2))
    assert job_rules.check_void_event("E2", done, NOW, SITE) == []


def test_dedupe_auction_checks() -> None:
    known = ("maule", "sahara")
    maule = event("4412", "maule")
    assert job_rules.check_dedupe_auction("maule", "4412", maule, known) == []
    [unknown] = job_rules.check_dedupe_auction("maule", "9999", None, known)
    assert unknown.field == "auction_number"
    assert "'9999' is not an event in the catalogue" in unknown.message
    [other] = job_rules.check_dedupe_auction("sahara", "4412", maule, known)
    assert "belongs to warehouse 'maule'" in other.message
    [warehouse] = job_rules.check_dedupe_auction("x", "4412", maule, known)
    assert warehouse.field == "warehouse"


def test_plan_id_check() -> None:
    assert job_rules.check_plan_id("8f0c-11") is None
    error = job_rules.check_plan_id("a b")
    assert error is not None
    assert error.field == "plan_id"


PLAN_RESULT = {
    "plan_id": "p-1",
    "target_msrp": "100.00",
    "msrp_total": "105.00",
    "target_reached": True,
    "groups_touched": 2,
    "groups_total": 5,
    "records_without_name": 3,
    "records": [
        {"record_id": "rec1", "lot_number": 7, "product_name": "Lamp", "msrp": "40"},
        {"record_id": "rec2", "lot_number": 9, "product_name": "Chair", "msrp": "50"},
        {"record_id": "rec3", "lot_number": 8, "product_name": " LAMP ", "msrp": "x"},
        {"record_id": "rec4", "lot_number": 3, "product_name": "lamp", "msrp": "15"},
        "not a record",
    ],
}


def test_plan_view_groups_and_totals() -> None:
    plan = task_views.dedupe_plan_view(PLAN_RESULT)
    assert plan is not None
    assert [group.product_name for group in plan.groups] == ["Lamp", "Chair"]
    lamps = plan.groups[0].records
    assert [record.record_id for record in lamps] == ["rec1", "rec3", "rec4"]
    assert [record.running_total for record in lamps] == ["40.00", "90.00", "105.00"]
    assert lamps[1].msrp == "0.00"
    assert plan.msrp_total == "105.00"
    assert plan.target_reached is True
    assert any("3 records have no product name" in reason for reason in plan.left_out)
    assert any("3 of 5 product groups get no record" in reason for reason in plan.left_out)


def test_plan_view_one_unnamed_record() -> None:
    plan = task_views.dedupe_plan_view({**PLAN_RESULT, "records_without_name": 1})
    assert plan is not None
    assert "1 record has no product name, so it cannot be grouped and is left alone." in (
        plan.left_out
    )


def test_failure_screenshot_keys() -> None:
    texts = ["failed (screenshot bot/t-1/03-submit-attempt3-failed.jpg, trace not saved)"]
    assert task_views.failure_screenshot_keys("t-1", texts) == [
        "bot/t-1/03-submit-attempt3-failed.jpg"
    ]
    assert task_views.failure_screenshot_keys("t-2", texts) == []


def test_plan_view_missed_target() -> None:
    plan = task_views.dedupe_plan_view({**PLAN_RESULT, "target_reached": False})
    assert plan is not None
    assert any("less than the target" in reason for reason in plan.left_out)


def test_plan_view_needs_records() -> None:
    assert task_views.dedupe_plan_view({"plan_id": "p", "records_tagged": 3}) is None
    assert task_views.dedupe_plan_view({}) is None


def step(substage: str = "", message: str = "") -> TaskStep:
    return TaskStep(1, "IN_PROGRESS", 10, "s", substage, message, "hibid-bot", NOW)


def test_screenshot_keys_from_substages() -> None:
    steps = [
        step("screenshot: bot/t-1/01-log-on.jpg"),
        step("screenshot: bot/t-2/01-other-task.jpg"),
        step("screenshot: bot/t-1/../t-2/x.jpg"),
        step("page 2"),
        step("screenshot: bot/t-1/02-form.jpg"),
        step("screenshot: bot/t-1/01-log-on.jpg"),
    ]
    assert task_views.screenshot_keys("t-1", steps) == [
        "bot/t-1/01-log-on.jpg",
        "bot/t-1/02-form.jpg",
    ]


def test_trace_keys_from_messages() -> None:
    texts = [
        "step 'submit' failed after 3 attempts (screenshot bot/t-1/03-submit-attempt3-failed.jpg,"
        " trace bot/t-1/03-submit-attempt3-trace.zip)",
        "trace bot/t-9/01-x-attempt1-trace.zip",
        "trace not saved",
    ]
    assert task_views.trace_keys("t-1", texts) == ["bot/t-1/03-submit-attempt3-trace.zip"]


@pytest.mark.parametrize(
    ("key", "belongs"),
    [
        ("bot/t-1/01.jpg", True),
        ("bot/t-1/", False),
        ("bot/t-10/01.jpg", False),
        ("bot/t-1/../t-2/01.jpg", False),
        ("bot/t-1//01.jpg", False),
        ("voids/t-1/x.csv", False),
    ],
)
def test_task_artifact_keys(key: str, belongs: bool) -> None:
    assert task_views.is_task_artifact("t-1", key) is belongs


def test_upload_result_prefers_completion_rows() -> None:
    view = task_views.describe_result(
        "upload",
        {"version": 2, "validate_only": False, "rows_total": 10, "rows_failed": 1},
        {"rows_imported": 9, "row_errors": [{"line": 4, "title": "Lamp", "message": "bad"}]},
    )
    facts = {fact.id: fact.value for fact in view.facts}
    assert facts["rows-total"] == "10"
    assert facts["rows-imported"] == "9"
    assert facts["upload-mode"] == "import"
    assert [(row.line, row.title) for row in view.row_errors] == [("4", "Lamp")]


def test_upload_result_site_statuses() -> None:
    view = task_views.describe_result(
        "upload", {"version": 1, "statuses": [{"line": 2, "message": "Missing title"}]}
    )
    assert [row.message for row in view.row_errors] == ["Missing title"]


def test_result_ignores_malformed_members() -> None:
    view = task_views.describe_result(
        "inventory_import",
        {"records_created": "12", "row_errors": "oops", "warnings": {"a": 1}, "rows": True},
    )
    assert view.empty


@pytest.mark.parametrize(
    ("result", "completion", "shown"),
    [
        ({"voided_count": 4}, None, "4"),
        ({"rows_copied": 4}, {"voided_count": 4}, "4"),
        ({"voided_count": 3}, {"voided_count": 4}, "4"),
    ],
)
def test_void_count_from_completion(
    result: dict[str, object], completion: dict[str, object] | None, shown: str
) -> None:
    view = task_views.describe_result("void", result, completion)

    assert [fact.value for fact in view.facts if fact.id == "voided-count"] == [shown]


def test_void_export_needs_finished_void() -> None:
    ref = {
        "bucket": "auction-private",
        "key": "voids/E1/t-1/voided-sales.csv",
        "sha256": "b" * 64,
        "size": 10,
    }
    done = task("t-1", job="void", state="COMPLETED")
    assert task_views.void_export(done, {"export": ref}) is not None
    assert task_views.void_export(done, {"export": None}) is None
    assert task_views.void_export(task("t-1", job="void"), {"export": ref}) is None
    assert task_views.void_export(task("t-1", job="upload", state="COMPLETED"), {}) is None
