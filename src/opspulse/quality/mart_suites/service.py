"""Customer service mart: ranges, subsets and tickets reconciled with ``fct_support_tickets``."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, Usual, critical
from opspulse.quality.thresholds import Thresholds

NEVER_NEGATIVE = (0, None, "durations are never negative")
DURATIONS = (
    *(
        Usual(f"{p}_first_response_minutes", "max_ticket_days", "response times are unusual", 1440)
        for p in ("p50", "p90")
    ),
    *(
        Usual(f"{p}_resolution_hours", "max_ticket_days", "resolution times are unusual", 24)
        for p in ("p50", "p90")
    ),
)


def tickets_opened_reconciliation(limits: Thresholds) -> Expectation:
    query = """
with day_row as (
    select report_date, tickets_opened from {batch}
),
opened as (
    select tickets.opened_date, count(*) as fct_tickets_opened,
    from marts.fct_support_tickets as tickets
    where tickets.opened_date in (select report_date from day_row)
    group by tickets.opened_date
)
select
    day_row.report_date,
    day_row.tickets_opened,
    coalesce(opened.fct_tickets_opened, 0) as fct_tickets_opened,
from day_row
left join opened on opened.opened_date = day_row.report_date
where day_row.tickets_opened is distinct from coalesce(opened.fct_tickets_opened, 0)
"""
    rule = "tickets_opened equals the tickets of fct_support_tickets opened that day"
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query,
        description=rule,
        meta={**critical(rule), "column": "tickets_opened"},
    )


MARTS = (
    MartSpec(
        name="rpt_service__daily",
        headline=(),
        ratios=("pct_resolved_within_sla", "pct_reopened"),
        counts=(
            "tickets_opened",
            "tickets_first_responded",
            "tickets_resolved",
            "tickets_resolved_within_sla",
            "tickets_reopened",
            "backlog_tickets",
            "complaints_opened",
            "valid_orders",
            "complaints_per_1000_orders",
        ),
        bounded={
            "p50_first_response_minutes": NEVER_NEGATIVE,
            "p90_first_response_minutes": NEVER_NEGATIVE,
            "p50_resolution_hours": NEVER_NEGATIVE,
            "p90_resolution_hours": NEVER_NEGATIVE,
        },
        usual=DURATIONS,
        ordered_pairs=(
            ("tickets_opened", "complaints_opened", "complaints are tickets"),
            (
                "tickets_resolved",
                "tickets_resolved_within_sla",
                "tickets resolved within SLA are resolved tickets",
            ),
            ("tickets_resolved", "tickets_reopened", "reopen rate counts resolved tickets"),
            ("p90_first_response_minutes", "p50_first_response_minutes", "p90 is at least p50"),
            ("p90_resolution_hours", "p50_resolution_hours", "p90 is at least p50"),
        ),
        extras=(tickets_opened_reconciliation,),
    ),
)
