"""SQLite state of the sandbox site under the data folder, kept across restarts."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .models import (
    Bid,
    Buyer,
    Event,
    EventStatus,
    ImportLine,
    ImportReport,
    Lot,
    NewEvent,
    OutboxMessage,
    Sale,
)

# AuctionWorx ids are large integers. Starting above 1000 keeps sandbox ids from looking like
# row counts in tests.
FIRST_EVENT_ID = 1001

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    description_html TEXT NOT NULL,
    terms_html TEXT NOT NULL,
    shipping_html TEXT NOT NULL,
    image_id TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    lot_closing_interval_seconds INTEGER NOT NULL,
    soft_close_seconds INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    path TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events(id),
    lot_number TEXT NOT NULL,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    description TEXT NOT NULL,
    category_id INTEGER NOT NULL,
    price_cents INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    image_urls TEXT NOT NULL,
    custom_fields TEXT NOT NULL,
    is_draft INTEGER NOT NULL,
    import_report_id INTEGER
);
CREATE TABLE IF NOT EXISTS buyers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    tax_exempt INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bids (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lot_id INTEGER NOT NULL REFERENCES lots(id),
    buyer_id INTEGER NOT NULL REFERENCES buyers(id),
    amount_cents INTEGER NOT NULL,
    placed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    buyer_id INTEGER NOT NULL,
    paid INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sales (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    lot_id INTEGER NOT NULL REFERENCES lots(id),
    buyer_id INTEGER NOT NULL REFERENCES buyers(id),
    invoice_id INTEGER,
    removed_from_invoice_id INTEGER,
    price_cents INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    sold_at TEXT NOT NULL,
    paid INTEGER NOT NULL,
    voided INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS import_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    email TEXT NOT NULL,
    validate_only INTEGER NOT NULL,
    as_drafts INTEGER NOT NULL,
    selected_event_id INTEGER,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    lines TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

_TABLES = (
    "sales",
    "bids",
    "invoices",
    "buyers",
    "lots",
    "images",
    "events",
    "import_reports",
    "outbox",
)


class NotFoundError(LookupError):
    """A record the request names does not exist."""


class ConflictError(ValueError):
    """The request does not fit the record's current state."""


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Thread-safe access to the sandbox database (one connection behind a lock)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.image_dir = data_dir / "images"
        self.image_dir.mkdir(exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(data_dir / "site.sqlite3", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._tx() as db:
            db.executescript(_SCHEMA)
            self._ensure_first_event_id(db)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise

    @staticmethod
    def _ensure_first_event_id(db: sqlite3.Connection) -> None:
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
        if row is None:
            db.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)",
                (FIRST_EVENT_ID - 1,),
            )

    def reset(self) -> None:
        """Delete every record and uploaded image, but keep sessions valid."""
        with self._tx() as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM sqlite_sequence")
            self._ensure_first_event_id(db)
        for path in self.image_dir.iterdir():
            path.unlink()

    # Sessions

    def create_session(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute(
                "INSERT INTO sessions (token, username, created_at) VALUES (?, ?, ?)",
                (token, username, _now().isoformat()),
            )
        return token

    def session_user(self, token: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT username FROM sessions WHERE token = ?", (token,)
            ).fetchone()
        return None if row is None else str(row["username"])

    def delete_session(self, token: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token = ?", (token,))

    def delete_all_sessions(self) -> int:
        with self._tx() as db:
            return db.execute("DELETE FROM sessions").rowcount

    # Events

    def create_event(self, new: NewEvent, created_by: str) -> Event:
        with self._tx() as db:
            cursor = db.execute(
                """INSERT INTO events (title, summary, description_html, terms_html,
                shipping_html, image_id, starts_at, ends_at, lot_closing_interval_seconds,
                soft_close_seconds, status, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    new.title,
                    new.summary,
                    new.description_html,
                    new.terms_html,
                    new.shipping_html,
                    new.image_id,
                    new.starts_at.isoformat(),
                    new.ends_at.isoformat(),
                    new.lot_closing_interval_seconds,
                    new.soft_close_seconds,
                    EventStatus.DRAFT.value,
                    created_by,
                    _now().isoformat(),
                ),
            )
            event_id = int(cursor.lastrowid or 0)
        return self.get_event(event_id)

    def get_event(self, event_id: int) -> Event:
        with self._lock:
            row = self._db.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"event {event_id} not found")
        return _event(row)

    def find_event(self, event_id: int) -> Event | None:
        try:
            return self.get_event(event_id)
        except NotFoundError:
            return None

    def list_events(self) -> list[Event]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM events ORDER BY id").fetchall()
        return [_event(row) for row in rows]

    def set_event_status(
        self,
        event_id: int,
        status: EventStatus,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
    ) -> Event:
        event = self.get_event(event_id)
        with self._tx() as db:
            db.execute(
                "UPDATE events SET status = ?, starts_at = ?, ends_at = ? WHERE id = ?",
                (
                    status.value,
                    (starts_at or event.starts_at).isoformat(),
                    (ends_at or event.ends_at).isoformat(),
                    event_id,
                ),
            )
        return self.get_event(event_id)

    # Event images

    def save_image(self, file_name: str, content_type: str, data: bytes, extension: str) -> str:
        image_id = secrets.token_hex(16)
        path = self.image_dir / f"{image_id}{extension}"
        path.write_bytes(data)
        with self._tx() as db:
            db.execute(
                """INSERT INTO images (id, file_name, content_type, size, path, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""",
                (image_id, file_name, content_type, len(data), path.name, _now().isoformat()),
            )
        return image_id

    def image_file(self, image_id: str) -> tuple[Path, str] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT path, content_type FROM images WHERE id = ?", (image_id,)
            ).fetchone()
        if row is None:
            return None
        return self.image_dir / str(row["path"]), str(row["content_type"])

    # Lots

    def create_lot(
        self,
        event_id: int,
        fields: dict[str, Any],
        is_draft: bool,
        import_report_id: int | None,
    ) -> int:
        with self._tx() as db:
            cursor = db.execute(
                """INSERT INTO lots (event_id, lot_number, title, subtitle, description,
                category_id, price_cents, quantity, image_urls, custom_fields, is_draft,
                import_report_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    event_id,
                    fields["lot_number"],
                    fields["title"],
                    fields["subtitle"],
                    fields["description"],
                    fields["category_id"],
                    fields["price_cents"],
                    fields["quantity"],
                    json.dumps(fields["image_urls"]),
                    json.dumps(fields["custom_fields"]),
                    int(is_draft),
                    import_report_id,
                ),
            )
            return int(cursor.lastrowid or 0)

    def list_lots(self, event_id: int | None = None) -> list[Lot]:
        with self._lock:
            if event_id is None:
                rows = self._db.execute("SELECT * FROM lots ORDER BY id").fetchall()
            else:
                rows = self._db.execute(
                    "SELECT * FROM lots WHERE event_id = ? ORDER BY id", (event_id,)
                ).fetchall()
        return [_lot(row) for row in rows]

    def lot_number_exists(self, event_id: int, lot_number: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM lots WHERE event_id = ? AND lot_number = ?",
                (event_id, lot_number),
            ).fetchone()
        return row is not None

    # Buyers, invoices and sales

    def create_buyer(
        self,
        username: str,
        first_name: str,
        last_name: str,
        address: str,
        phone: str,
        tax_exempt: bool,
    ) -> int:
        with self._tx() as db:
            cursor = db.execute(
                """INSERT INTO buyers (username, first_name, last_name, address, phone,
                tax_exempt) VALUES (?, ?, ?, ?, ?, ?)""",
                (username, first_name, last_name, address, phone, int(tax_exempt)),
            )
            return int(cursor.lastrowid or 0)

    def create_bid(self, lot_id: int, buyer_id: int, amount_cents: int, placed_at: datetime) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO bids (lot_id, buyer_id, amount_cents, placed_at) VALUES (?, ?, ?, ?)",
                (lot_id, buyer_id, amount_cents, placed_at.isoformat()),
            )
            return int(cursor.lastrowid or 0)

    def list_bids(self) -> list[Bid]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM bids ORDER BY lot_id, placed_at").fetchall()
        return [
            Bid(
                id=int(row["id"]),
                lot_id=int(row["lot_id"]),
                buyer_id=int(row["buyer_id"]),
                amount_cents=int(row["amount_cents"]),
                placed_at=datetime.fromisoformat(row["placed_at"]),
            )
            for row in rows
        ]

    def create_invoice(self, event_id: int, buyer_id: int, paid: bool) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO invoices (event_id, buyer_id, paid) VALUES (?, ?, ?)",
                (event_id, buyer_id, int(paid)),
            )
            return int(cursor.lastrowid or 0)

    def create_sale(
        self,
        lot_id: int,
        buyer_id: int,
        invoice_id: int | None,
        price_cents: int,
        sold_at: datetime,
        paid: bool,
    ) -> int:
        with self._tx() as db:
            event_id = db.execute("SELECT event_id FROM lots WHERE id = ?", (lot_id,)).fetchone()
            if event_id is None:
                raise NotFoundError(f"lot {lot_id} not found")
            cursor = db.execute(
                """INSERT INTO sales (event_id, lot_id, buyer_id, invoice_id, price_cents,
                quantity, sold_at, paid, voided) VALUES (?, ?, ?, ?, ?, 1, ?, ?, 0)""",
                (
                    int(event_id[0]),
                    lot_id,
                    buyer_id,
                    invoice_id,
                    price_cents,
                    sold_at.isoformat(),
                    int(paid),
                ),
            )
            return int(cursor.lastrowid or 0)

    def list_sales(self, event_id: int | None = None) -> list[Sale]:
        query = """SELECT l.*, s.id AS sale_id, s.event_id AS sale_event_id, s.invoice_id,
            s.removed_from_invoice_id, s.price_cents AS sale_price_cents,
            s.quantity AS sale_quantity, s.sold_at, s.paid, s.voided,
            b.id AS buyer_id_, b.username, b.first_name, b.last_name, b.address, b.phone,
            b.tax_exempt
            FROM sales s JOIN lots l ON l.id = s.lot_id JOIN buyers b ON b.id = s.buyer_id"""
        with self._lock:
            if event_id is None:
                rows = self._db.execute(query + " ORDER BY s.sold_at DESC, s.id").fetchall()
            else:
                rows = self._db.execute(
                    query + " WHERE s.event_id = ? ORDER BY s.sold_at DESC, s.id", (event_id,)
                ).fetchall()
        return [_sale(row) for row in rows]

    def get_sale(self, sale_id: int) -> Sale:
        for sale in self.list_sales():
            if sale.id == sale_id:
                return sale
        raise NotFoundError(f"sale {sale_id} not found")

    def void_sale(self, sale_id: int) -> Sale:
        """Void an unpaid sale and take it off its invoice."""
        sale = self.get_sale(sale_id)
        if sale.paid:
            raise ConflictError(f"sale {sale_id} is paid and cannot be voided")
        if sale.voided:
            raise ConflictError(f"sale {sale_id} is already voided")
        with self._tx() as db:
            db.execute(
                """UPDATE sales SET voided = 1, removed_from_invoice_id = invoice_id,
                invoice_id = NULL WHERE id = ?""",
                (sale_id,),
            )
        return self.get_sale(sale_id)

    def unvoid_sale(self, sale_id: int) -> Sale:
        """Reinstate a voided sale on the invoice it was removed from."""
        sale = self.get_sale(sale_id)
        if not sale.voided:
            raise ConflictError(f"sale {sale_id} is not voided")
        with self._tx() as db:
            db.execute(
                """UPDATE sales SET voided = 0, invoice_id = removed_from_invoice_id,
                removed_from_invoice_id = NULL WHERE id = ?""",
                (sale_id,),
            )
        return self.get_sale(sale_id)

    # Import reports and the outbox

    def create_import_report(
        self,
        created_by: str,
        file_name: str,
        email: str,
        validate_only: bool,
        as_drafts: bool,
        selected_event_id: int | None,
        total: int,
    ) -> int:
        with self._tx() as db:
            cursor = db.execute(
                """INSERT INTO import_reports (created_at, created_by, file_name, email,
                validate_only, as_drafts, selected_event_id, status, total, succeeded, failed,
                lines) VALUES (?, ?, ?, ?, ?, ?, ?, 'Pending', ?, 0, 0, '[]')""",
                (
                    _now().isoformat(),
                    created_by,
                    file_name,
                    email,
                    int(validate_only),
                    int(as_drafts),
                    selected_event_id,
                    total,
                ),
            )
            return int(cursor.lastrowid or 0)

    def update_import_report(
        self, report_id: int, status: str, lines: list[ImportLine], finished: bool
    ) -> None:
        failed = sum(1 for line in lines if line.errors)
        with self._tx() as db:
            db.execute(
                """UPDATE import_reports SET status = ?, succeeded = ?, failed = ?, lines = ?,
                finished_at = ? WHERE id = ?""",
                (
                    status,
                    len(lines) - failed,
                    failed,
                    json.dumps([line.__dict__ for line in lines]),
                    _now().isoformat() if finished else None,
                    report_id,
                ),
            )

    def get_import_report(self, report_id: int) -> ImportReport:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM import_reports WHERE id = ?", (report_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"import report {report_id} not found")
        return _report(row)

    def list_import_reports(self) -> list[ImportReport]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM import_reports ORDER BY id DESC").fetchall()
        return [_report(row) for row in rows]

    def add_outbox_message(self, to_address: str, subject: str, body: str) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO outbox (created_at, to_address, subject, body) VALUES (?, ?, ?, ?)",
                (_now().isoformat(), to_address, subject, body),
            )
            return int(cursor.lastrowid or 0)

    def list_outbox(self) -> list[OutboxMessage]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM outbox ORDER BY id DESC").fetchall()
        return [
            OutboxMessage(
                id=int(row["id"]),
                created_at=datetime.fromisoformat(row["created_at"]),
                to_address=str(row["to_address"]),
                subject=str(row["subject"]),
                body=str(row["body"]),
            )
            for row in rows
        ]


def _event(row: sqlite3.Row) -> Event:
    return Event(
        id=int(row["id"]),
        title=str(row["title"]),
        summary=str(row["summary"]),
        description_html=str(row["description_html"]),
        terms_html=str(row["terms_html"]),
        shipping_html=str(row["shipping_html"]),
        image_id=row["image_id"],
        starts_at=datetime.fromisoformat(row["starts_at"]),
        ends_at=datetime.fromisoformat(row["ends_at"]),
        lot_closing_interval_seconds=int(row["lot_closing_interval_seconds"]),
        soft_close_seconds=int(row["soft_close_seconds"]),
        status=EventStatus(row["status"]),
        created_by=str(row["created_by"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def _lot(row: sqlite3.Row) -> Lot:
    return Lot(
        id=int(row["id"]),
        event_id=int(row["event_id"]),
        lot_number=str(row["lot_number"]),
        title=str(row["title"]),
        subtitle=str(row["subtitle"]),
        description=str(row["description"]),
        category_id=int(row["category_id"]),
        price_cents=int(row["price_cents"]),
        quantity=int(row["quantity"]),
        image_urls=list(json.loads(row["image_urls"])),
        custom_fields=dict(json.loads(row["custom_fields"])),
        is_draft=bool(row["is_draft"]),
        import_report_id=row["import_report_id"],
    )


def _sale(row: sqlite3.Row) -> Sale:
    return Sale(
        id=int(row["sale_id"]),
        event_id=int(row["sale_event_id"]),
        lot=_lot(row),
        buyer=Buyer(
            id=int(row["buyer_id_"]),
            username=str(row["username"]),
            first_name=str(row["first_name"]),
            last_name=str(row["last_name"]),
            address=str(row["address"]),
            phone=str(row["phone"]),
            tax_exempt=bool(row["tax_exempt"]),
        ),
        invoice_id=row["invoice_id"],
        removed_from_invoice_id=row["removed_from_invoice_id"],
        price_cents=int(row["sale_price_cents"]),
        quantity=int(row["sale_quantity"]),
        sold_at=datetime.fromisoformat(row["sold_at"]),
        paid=bool(row["paid"]),
        voided=bool(row["voided"]),
    )


def _report(row: sqlite3.Row) -> ImportReport:
    finished = row["finished_at"]
    return ImportReport(
        id=int(row["id"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        created_by=str(row["created_by"]),
        file_name=str(row["file_name"]),
        email=str(row["email"]),
        validate_only=bool(row["validate_only"]),
        as_drafts=bool(row["as_drafts"]),
        selected_event_id=row["selected_event_id"],
        status=str(row["status"]),
        total=int(row["total"]),
        succeeded=int(row["succeeded"]),
        failed=int(row["failed"]),
        lines=[ImportLine(**item) for item in json.loads(row["lines"])],
        finished_at=None if finished is None else datetime.fromisoformat(finished),
    )
