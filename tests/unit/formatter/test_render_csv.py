"""Tests of render_csv: header, quoting, encoding, line endings and determinism."""

import csv
import io

from auction_formatter.domain import LotRows, build_rows, render_csv

from .inventory_inputs import full_record, maule, numbered_records, photos_for, record


def _parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_header_is_the_49_columns() -> None:
    rows = LotRows(columns=maule().rules.columns, rows=())

    data = render_csv(rows)

    assert data == (",".join(maule().rules.columns) + "\r\n").encode()


def test_lines_end_with_crlf_and_no_bom() -> None:
    rows, _ = build_rows([full_record()], photos_for("recFull1"), maule(), 4242, None)

    data = render_csv(rows)

    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert data.count(b"\r\n") == 2
    assert data.replace(b"\r\n", b"").count(b"\n") == 0
    assert b"\r" not in data.replace(b"\r\n", b"")


def test_round_trip_keeps_every_cell() -> None:
    rows, _ = build_rows([full_record()], photos_for("recFull1"), maule(), 4242, None)

    parsed = _parse(render_csv(rows))

    assert parsed[0] == list(rows.columns)
    assert parsed[1] == [rows.rows[0][column] for column in rows.columns]


def test_commas_quotes_and_non_ascii_survive() -> None:
    name = 'Mongoose 26"" Men\'s Bike, Blue – “trail” édition 日本'
    rec = record("recQ", Product_Name=name, Notes='Seat, "as is"', Category="misc", Lot_Number=1)
    rows, _ = build_rows([rec], photos_for("recQ"), maule(), 4242, None)

    data = render_csv(rows)
    parsed = _parse(data)

    row = dict(zip(parsed[0], parsed[1], strict=True))
    assert row["Title"] == name
    assert row["Other Notes"] == 'Seat, "as is"'
    assert '"Mongoose 26"""" Men\'s Bike, Blue' in data.decode("utf-8")
    assert "日本".encode() in data


def test_same_input_gives_same_bytes() -> None:
    records = list(numbered_records(300))
    photos = photos_for(*(r["id"] for r in records))

    first = render_csv(build_rows(records, photos, maule(), 4242, None)[0])
    second = render_csv(build_rows(records, photos, maule(), "4242", None)[0])

    assert first == second


def test_other_event_id_gives_other_bytes() -> None:
    records = list(numbered_records(300))
    photos = photos_for(*(r["id"] for r in records))

    first = render_csv(build_rows(records, photos, maule(), 4242, None)[0])
    second = render_csv(build_rows(records, photos, maule(), 4243, None)[0])

    assert first != second


def test_missing_cell_renders_empty() -> None:
    rows = LotRows(columns=("A", "B", "C"), rows=({"A": "1", "C": "3"},))

    assert render_csv(rows) == b"A,B,C\r\n1,,3\r\n"
