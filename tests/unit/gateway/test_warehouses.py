from pathlib import Path

import pytest

from auction_gateway.api.catalogue import airtable_locations

VALID = """
warehouses:
  maule:
    base_id: appMAULE000000001
    inventory_table: tblINVENTORY00001
    send_to_auction_view: viwSEND0000000001
    remove_dups_view: viwDUPS0000000001
    cancels_table: tblCANCELS0000001
"""


def test_locations_read_from_file(tmp_path: Path) -> None:
    path = tmp_path / "warehouses.yaml"
    path.write_text(VALID)

    locations = airtable_locations(path)

    assert set(locations) == {"maule"}
    assert locations["maule"].base_id == "appMAULE000000001"
    assert locations["maule"].send_to_auction_view == "viwSEND0000000001"


@pytest.mark.parametrize(
    ("case", "content"),
    [
        ("not yaml", "warehouses: [unclosed"),
        ("no warehouses key", "other: 1\n"),
        ("missing base id", "warehouses:\n  maule:\n    inventory_table: t\n"),
        ("list instead of mapping", "warehouses:\n  - maule\n"),
    ],
)
def test_broken_file_gives_no_locations(tmp_path: Path, case: str, content: str) -> None:
    path = tmp_path / "warehouses.yaml"
    path.write_text(content)

    assert airtable_locations(path) == {}


def test_missing_file_gives_no_locations(tmp_path: Path) -> None:
    assert airtable_locations(tmp_path / "absent.yaml") == {}
    assert airtable_locations(None) == {}
