"""Decoding of manifest bytes into rows of cells with their source line numbers."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from .model import FileFormat, UnreadableManifestError
from .values import CellValue

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", "\t", ";")
# Sum of the uncompressed sizes of an XLSX file's parts. A 20,000-row, 20-column sheet written
# by openpyxl expands to about 23 MB. A zip bomb of a few megabytes expands to gigabytes of cells.
MAX_XLSX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class SheetRow:
    """Cells of one row and the 1-based line (CSV) or sheet row (XLSX) where it starts."""

    line: int
    cells: tuple[CellValue, ...]


@dataclass(frozen=True)
class Sheet:
    """Rows of a manifest file, blank rows included, in file order."""

    file_format: FileFormat
    encoding: str | None
    rows: tuple[SheetRow, ...]


def read_sheet(data: bytes, filename: str, max_rows: int) -> Sheet:
    """Decode CSV or XLSX bytes into rows. The content decides the format, not the file name.

    Raises UnreadableManifestError for legacy `.xls` files, broken XLSX files, text in an
    unknown encoding, a malformed CSV, or more than `max_rows` rows.
    """
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, filename, max_rows)
    if data.startswith(_OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise UnreadableManifestError(
            f"{filename}: legacy Excel .xls files are not supported; "
            "save the manifest as .xlsx or CSV and import it again."
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableManifestError(
            f"{filename}: not a valid XLSX file (it is not a zip archive); "
            "open it in Excel and save it again as .xlsx or CSV."
        )
    return _read_csv(data, filename, max_rows)


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

    Returns the text and the name of the encoding used.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable(filename, exc) from exc
    if b"\x00" in data:
        raise UnreadableManifestError(
            f"{filename}: the file contains NUL bytes, so it is binary or UTF-16 text without "
            "a byte order mark; save the manifest as UTF-8 CSV or .xlsx."
        )
    body, encoding = data, "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        body, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    try:
        return body.decode("utf-8"), encoding
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _undecodable(filename, exc) from exc


def _undecodable(filename: str, exc: UnicodeDecodeError) -> UnreadableManifestError:
    return UnreadableManifestError(
        f"{filename}: the text is neither UTF-8 nor Windows-1252 (byte "
        f"0x{exc.object[exc.start]:02x} at offset {exc.start}); save the manifest as UTF-8 CSV."
    )


def _choose_delimiter(text: str) -> str:
    # The first non-blank line is normally the header: the delimiter that splits it into the
    # most cells wins, and a comma wins ties.
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {
        delimiter: len(next(csv.reader([first_line], delimiter=delimiter), []))
        for delimiter in _DELIMITERS
    }
    return max(_DELIMITERS, key=lambda delimiter: counts[delimiter])


def _read_csv(data: bytes, filename: str, max_rows: int) -> Sheet:
    text, encoding = decode_text(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_choose_delimiter(text))
    rows: list[SheetRow] = []
    next_line = 1
    try:
        for cells in reader:
            rows.append(SheetRow(line=next_line, cells=tuple(cells)))
            # A quoted value may span lines, so the next row starts after the last line read.
            next_line = reader.line_num + 1
            if len(rows) > max_rows:
                raise _too_many_rows(filename, max_rows)
    except csv.Error as exc:
        raise UnreadableManifestError(
            f"{filename}: line {reader.line_num}: the CSV cannot be parsed ({exc}); "
            "check for a stray quote that makes one value swallow the rest of the file."
        ) from exc
    return Sheet(file_format="csv", encoding=encoding, rows=tuple(rows))


def _read_xlsx(data: bytes, filename: str, max_rows: int) -> Sheet:
    _check_uncompressed_size(data, filename)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, InvalidFileException, OSError, ValueError) as exc:
        raise UnreadableManifestError(
            f"{filename}: not a valid XLSX workbook ({exc}); "
            "open it in Excel and save it again as .xlsx or CSV."
        ) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableManifestError(f"{filename}: the workbook has no worksheet.")
        # NOTE: only the first worksheet is read, because B-Stock workbooks have one sheet.
        worksheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size, so drop it and read every stored row.
        worksheet.reset_dimensions()
        rows: list[SheetRow] = []
        for line, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            rows.append(SheetRow(line=line, cells=tuple(cells)))
            if len(rows) > max_rows:
                raise _too_many_rows(filename, max_rows)
    finally:
        workbook.close()
    return Sheet(file_format="xlsx", encoding=None, rows=tuple(rows))


def _check_uncompressed_size(data: bytes, filename: str) -> None:
    """Raise UnreadableManifestError when the XLSX parts expand above the limit.

    zipfile stops reading a member at its declared size, so the declared sizes bound the XML
    that openpyxl parses.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableManifestError(
            f"{filename}: not a valid XLSX workbook ({exc}); "
            "open it in Excel and save it again as .xlsx or CSV."
        ) from exc
    if expanded > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise UnreadableManifestError(
            f"{filename}: the workbook expands to {expanded} bytes, more than the "
            f"{MAX_XLSX_UNCOMPRESSED_BYTES} bytes allowed; save only the manifest sheet, "
            "without empty formatted cells, as .xlsx or CSV."
        )


def _too_many_rows(filename: str, max_rows: int) -> UnreadableManifestError:
    return UnreadableManifestError(
        f"{filename}: more than {max_rows} rows; split the manifest into smaller files "
        "or raise the row limit."
    )
