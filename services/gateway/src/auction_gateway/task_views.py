"""Views of a finished job's `result` for the task page and the CLI, per job kind. Pure functions.

The services fill `task.status.result` freely, so every member is read defensively: a missing or
malformed member is left out instead of failing the page.

- inventory_import (airtable-sync): `records_created`, `first_lot_number`, `last_lot_number`,
  `rows_skipped`, `warnings` (strings); when rejected, `filename`, `rows`, `row_error_count` and
  `row_errors` (`line`, `message`, `column`, `value`).
- upload (hibid-bot): `version`, `validate_only`, `rows_total`, `rows_succeeded`, `rows_failed`,
  `site_status`; when the site refused the file, `statuses` (`line`, `message`). The per-row
  errors come with `upload.completed` (`line`, `title`, `message`).
- void (hibid-bot): `voided_count`, `export_key`.
- create_auction (hibid-bot): `event_id`, `ends_at`.
- dedupe (airtable-sync): see `dedupe_plan_view`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from auction_gateway.records import TaskRecord, TaskStep
from auction_shared.events import ObjectRef

# At most this many row errors or warnings are listed on the page.
MAX_LISTED_ROWS = 500


@dataclass(frozen=True)
class Fact:
    """One labelled value; `id` is the stable element id on the task page."""

    id: str
    label: str
    value: str


@dataclass(frozen=True)
class RowIssue:
    line: str
    column: str
    value: str
    title: str
    message: str


@dataclass
class ResultView:
    facts: list[Fact] = field(default_factory=list)
    row_errors: list[RowIssue] = field(default_factory=list)
    row_error_total: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.facts or self.row_errors or self.warnings)


def describe_result(
    job: str, result: dict[str, Any], completion: dict[str, Any] | None = None
) -> ResultView:
    """Return the facts, row errors and warnings of a job's result.

    `completion` is the job's completion event (such as `upload.completed`) when the gateway
    recorded one; it adds what the status lacks.
    """
    view = ResultView()
    if job == "inventory_import":
        _inventory_import(view, result)
    elif job == "upload":
        _upload(view, result, completion or {})
    elif job == "void":
        # After "copy to cancels" the final status is airtable-sync's, without the count; the
        # recorded `void.completed` always has it.
        voided = (completion or {}).get("voided_count", result.get("voided_count"))
        _add(view, "voided-count", "Sales voided", _count(voided))
    elif job == "create_auction":
        _add(view, "created-event", "Event id", _text(result.get("event_id")))
        _add(view, "created-ends-at", "Ends", _text(result.get("ends_at")))
    elif job == "dedupe":
        _add(view, "plan-id", "Plan id", _text(result.get("plan_id")))
        _add(view, "records-tagged", "Records tagged", _count(result.get("records_tagged")))
        _add(view, "records-written", "Records written", _count(result.get("records_written")))
        missing = result.get("records_missing")
        if isinstance(missing, list) and missing:
            view.warnings = [
                f"Planned record {_text(item)} left the view and was not touched."
                for item in missing[:MAX_LISTED_ROWS]
            ]
    return view


def _inventory_import(view: ResultView, result: dict[str, Any]) -> None:
    _add(view, "records-created", "Records created", _count(result.get("records_created")))
    first, last = _count(result.get("first_lot_number")), _count(result.get("last_lot_number"))
    if first and last:
        _add(view, "lot-numbers", "Lot numbers", f"{first}–{last}")
    _add(view, "rows-skipped", "Rows skipped", _count(result.get("rows_skipped")))
    _add(view, "import-file", "File", _text(result.get("filename")))
    _add(view, "rows-read", "Rows read", _count(result.get("rows")))
    _add(view, "row-error-count", "Rows with errors", _count(result.get("row_error_count")))
    view.row_errors = _row_issues(result.get("row_errors"))
    view.row_error_total = _int(result.get("row_error_count")) or len(view.row_errors)
    warnings = result.get("warnings")
    if isinstance(warnings, list):
        view.warnings = [_text(item) for item in warnings[:MAX_LISTED_ROWS]]


def _upload(view: ResultView, result: dict[str, Any], completion: dict[str, Any]) -> None:
    _add(view, "upload-version", "CSV version", _count(result.get("version")))
    validate_only = result.get("validate_only", completion.get("validate_only"))
    if isinstance(validate_only, bool):
        _add(view, "upload-mode", "Mode", "validate only" if validate_only else "import")
    _add(view, "rows-total", "Rows in the CSV", _count(result.get("rows_total")))
    _add(view, "rows-succeeded", "Rows accepted", _count(result.get("rows_succeeded")))
    _add(view, "rows-imported", "Rows imported", _count(completion.get("rows_imported")))
    _add(view, "rows-failed", "Rows failed", _count(result.get("rows_failed")))
    _add(view, "site-status", "Site's import status", _text(result.get("site_status")))
    issues = _row_issues(completion.get("row_errors")) or _row_issues(result.get("statuses"))
    view.row_errors = issues
    view.row_error_total = len(issues)


def _add(view: ResultView, id_: str, label: str, value: str) -> None:
    if value:
        view.facts.append(Fact(id_, label, value))


def _row_issues(raw: object) -> list[RowIssue]:
    if not isinstance(raw, list):
        return []
    issues = []
    for item in raw[:MAX_LISTED_ROWS]:
        if isinstance(item, dict):
            issues.append(
                RowIssue(
                    line=_text(item.get("line")),
                    column=_text(item.get("column")),
                    value=_text(item.get("value")),
                    title=_text(item.get("title")),
                    message=_text(item.get("message")),
                )
            )
        elif isinstance(item, str):
            issues.append(RowIssue("", "", "", "", item))
    return issues


def _text(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)[:2000]


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _count(value: object) -> str:
    number = _int(value)
    return "" if number is None else str(number)


def void_export(task: TaskRecord | None, completion: dict[str, Any] | None) -> ObjectRef | None:
    """Return the claim check of a finished void task's voided-sales export, if it has one."""
    if task is None or task.job != "void" or not task.is_final or not completion:
        return None
    try:
        return ObjectRef.model_validate(completion.get("export"))
    except ValidationError:
        return None


# --- remove duplicates: the plan -----------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRecord:
    record_id: str
    lot_number: str
    product_name: str
    auction_count: str
    msrp: str
    running_total: str


@dataclass(frozen=True)
class PlanGroup:
    """Planned records that share a product name (compared without case and extra spaces)."""

    product_name: str
    records: list[PlannedRecord]


@dataclass
class DedupePlanView:
    plan_id: str
    target_msrp: str
    msrp_total: str
    target_reached: bool | None
    groups: list[PlanGroup]
    record_count: int
    groups_touched: int | None
    groups_total: int | None
    left_out: list[str]


def dedupe_plan_view(result: dict[str, Any]) -> DedupePlanView | None:
    """Read the plan airtable-sync lists in a plan task's result, or None when it lists none.

    The result contains `plan_id`, `target_msrp`, `msrp_total`, `target_reached`, `groups_touched`,
    `groups_total`, `records_without_name` and up to 500 `records` (`record_id`, `lot_number`,
    `product_name`, `group`, `auction_count`, `msrp`) in the order they were chosen. The running total
    adds their MSRP in that order.
    """
    records = result.get("records")
    plan_id = _text(result.get("plan_id"))
    if not plan_id or not isinstance(records, list):
        return None
    groups: dict[str, PlanGroup] = {}
    running = Decimal(0)
    for item in records:
        if not isinstance(item, dict):
            continue
        msrp = _decimal(item.get("msrp"))
        running += msrp
        name = _text(item.get("product_name"))
        # airtable-sync sends the key it grouped by; older plans fall back to case and spacing.
        key = _text(item.get("group")) or " ".join(name.casefold().split())
        group = groups.setdefault(key, PlanGroup(product_name=name, records=[]))
        group.records.append(
            PlannedRecord(
                record_id=_text(item.get("record_id")),
                lot_number=_text(item.get("lot_number")),
                product_name=name,
                auction_count=_text(item.get("auction_count")),
                msrp=f"{msrp:.2f}",
                running_total=f"{running:.2f}",
            )
        )
    touched = _int(result.get("groups_touched"))
    total = _int(result.get("groups_total"))
    reached = result.get("target_reached")
    left_out = _left_out(result, touched, total, len(records), reached)
    return DedupePlanView(
        plan_id=plan_id,
        target_msrp=_text(result.get("target_msrp")),
        msrp_total=_text(result.get("msrp_total")) or f"{running:.2f}",
        target_reached=reached if isinstance(reached, bool) else None,
        groups=list(groups.values()),
        record_count=len(records),
        groups_touched=touched,
        groups_total=total,
        left_out=left_out,
    )


def _left_out(
    result: dict[str, Any],
    touched: int | None,
    total: int | None,
    listed: int,
    reached: object,
) -> list[str]:
    reasons = []
    unnamed = _int(result.get("records_without_name"))
    if unnamed == 1:
        reasons.append("1 record has no product name, so it cannot be grouped and is left alone.")
    elif unnamed:
        reasons.append(
            f"{unnamed} records have no product name, so they cannot be grouped and are left alone."
        )
    if touched is not None and total is not None and total > touched:
        why = (
            "the target was reached before them, or each already has half of its items in this "
            "auction"
            if reached is True
            else "each already has half of its items (rounded up) in this auction, or has none "
            "left without it"
        )
        reasons.append(f"{total - touched} of {total} product groups get no record: {why}.")
    if listed >= 500:
        reasons.append(
            "The result lists at most 500 planned records, so more may be planned; applying "
            "the plan writes all of them."
        )
    if reached is False:
        reasons.append(
            "The eligible records add up to less than the target: mark more records with Status "
            "'Remove Dups' or lower the target."
        )
    return reasons


def _decimal(value: object) -> Decimal:
    try:
        amount = Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    return amount if amount.is_finite() else Decimal(0)


# --- the browser bot's screenshots and traces ----------------------------------------------------

BOT_JOBS = frozenset({"create_auction", "upload", "void"})
SCREENSHOT_PREFIX = "screenshot:"
TRACE_KEY = re.compile(r"bot/[0-9A-Za-z_.:-]+/[^\s,;()'\"]+-trace\.zip")
FAILURE_SCREENSHOT_KEY = re.compile(r"bot/[0-9A-Za-z_.:-]+/[^\s,;()'\"]+-failed\.(?:jpg|jpeg|png)")


def is_task_artifact(task_id: str, key: str) -> bool:
    """Tell whether `key` is an object the hibid-bot stored for this task (`bot/<task id>/…`)."""
    prefix = f"bot/{task_id}/"
    rest = key.removeprefix(prefix)
    return (
        key.startswith(prefix)
        and bool(rest)
        and ".." not in key.split("/")
        and "//" not in key
        and all(ch.isprintable() for ch in key)
    )


def screenshot_keys(task_id: str, steps: Sequence[TaskStep]) -> list[str]:
    """Return the task's screenshot keys from its steps' substages, oldest first."""
    keys = []
    for step in steps:
        if step.substage.startswith(SCREENSHOT_PREFIX):
            key = step.substage.removeprefix(SCREENSHOT_PREFIX).strip()
            if is_task_artifact(task_id, key) and key not in keys:
                keys.append(key)
    return keys


def trace_keys(task_id: str, texts: Sequence[str]) -> list[str]:
    """Return the trace keys of failed attempts named in the task's messages, oldest first."""
    return _keys_in(task_id, texts, TRACE_KEY)


def failure_screenshot_keys(task_id: str, texts: Sequence[str]) -> list[str]:
    """Return the screenshots of failed attempts named in the task's messages, oldest first.

    The bot names them only in the error message of the failed step, not in a substage.
    """
    return _keys_in(task_id, texts, FAILURE_SCREENSHOT_KEY)


def _keys_in(task_id: str, texts: Sequence[str], pattern: re.Pattern[str]) -> list[str]:
    keys: list[str] = []
    for text in texts:
        for key in pattern.findall(text):
            if is_task_artifact(task_id, key) and key not in keys:
                keys.append(key)
    return keys
