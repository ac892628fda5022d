"""Render import rows as the bytes of the site's import CSV."""

import csv
import io

from auction_formatter.domain.rows import LotRows

CSV_LINE_ENDING = "\r\n"


def render_csv(rows: LotRows) -> bytes:
    """Render the header and rows as UTF-8 CSV without a byte order mark, lines ending in CRLF.

    Cells are quoted only when they contain a comma, a quote or a line break, and quotes are
    doubled (RFC 4180). The same rows always give the same bytes.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=CSV_LINE_ENDING, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(rows.columns)
    writer.writerows([row.get(column, "") for column in rows.columns] for row in rows.rows)
    return buffer.getvalue().encode("utf-8")
