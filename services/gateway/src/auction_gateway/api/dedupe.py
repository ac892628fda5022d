"""Remove duplicates: plan which identical items get an auction number, then apply the plan."""

from __future__ import annotations

from fastapi import APIRouter

from auction_gateway import job_rules, job_starts
from auction_gateway.api.deps import GatewayDep, UserDep
from auction_gateway.api.job_schemas import DedupeIn
from auction_gateway.api.job_support import needs, started
from auction_gateway.api.schemas import FormatStarted, unprocessable
from auction_gateway.domain import InvalidInput
from auction_gateway.permissions import Permission

router = APIRouter(tags=["jobs"])


@router.post("/dedupe", status_code=202, dependencies=[needs(Permission.CAN_DEDUPE)])
async def start_dedupe(body: DedupeIn, gateway: GatewayDep, user: UserDep) -> FormatStarted:
    """Plan (without `plan_id`) or apply a stored plan (with the plan task's id as `plan_id`).

    A plan task's final `result` lists the chosen `records` (`record_id`, `lot_number`,
    `product_name`, `auction_count`, `msrp`, at most 500), `msrp_total`, `target_reached`,
    `groups_touched`, `groups_total` and `records_without_name`. The auction number must be a
    catalogue event of the warehouse.
    """
    try:
        target = job_rules.parse_target_msrp(body.target_msrp)
        plan_id = body.plan_id.strip() if body.plan_id else None
        task_id = await job_starts.start_dedupe(
            gateway.unit_of_work,
            warehouse=body.warehouse.strip(),
            auction_number=body.auction_number.strip(),
            target_msrp=target,
            plan_id=plan_id or None,
            requested_by=user,
            known_warehouses=gateway.settings.warehouses,
            now=gateway.clock(),
        )
    except InvalidInput as error:
        raise unprocessable(error) from None
    return started(task_id)
