"""Privacy mart: ranges and the subsets of incidents and requests."""

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation

from opspulse.quality.suites import MartSpec, critical
from opspulse.quality.thresholds import Thresholds

SEVERITIES = ("critical", "high", "medium", "low")
REQUEST_TYPES = ("access", "deletion", "correction", "opt_out")


def _parts_sum_to_total(total: str, parts: tuple[str, ...], rule: str) -> Expectation:
    query = f"""
select report_date, {total}, {" + ".join(parts)} as parts_total
from {{batch}}
where {total} is distinct from {" + ".join(parts)}
"""
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=query, description=rule, meta={**critical(rule), "column": total}
    )


def incidents_by_severity(limits: Thresholds) -> Expectation:
    return _parts_sum_to_total(
        "incidents_opened",
        tuple(f"{s}_incidents_opened" for s in SEVERITIES),
        "incidents opened by severity add up to incidents opened",
    )


def requests_by_type(limits: Thresholds) -> Expectation:
    return _parts_sum_to_total(
        "requests_received",
        tuple(f"{t}_requests_received" for t in REQUEST_TYPES),
        "requests received by type add up to requests received",
    )


MARTS = (
    MartSpec(
        name="rpt_privacy__daily",
        headline=("open_incidents", "pct_requests_on_time", "overdue_requests", "mttr_hours"),
        ratios=("pct_requests_on_time", "pct_marketing_consent"),
        counts=(
            "incidents_opened",
            *(f"{s}_incidents_opened" for s in SEVERITIES),
            "personal_records_affected",
            "open_incidents",
            "incidents_resolved_30d",
            "mttd_hours",
            "mttr_hours",
            "requests_received",
            *(f"{t}_requests_received" for t in REQUEST_TYPES),
            "requests_completed",
            "requests_completed_on_time",
            "open_requests",
            "overdue_requests",
            "active_customers",
            "consenting_active_customers",
        ),
        ordered_pairs=(
            (
                "requests_completed",
                "requests_completed_on_time",
                "on-time requests are a subset of completed requests",
            ),
            ("open_requests", "overdue_requests", "overdue requests are a subset of open requests"),
            (
                "active_customers",
                "consenting_active_customers",
                "consenting customers are a subset of active customers",
            ),
        ),
        no_attainment=frozenset({"open_incidents", "overdue_requests", "mttr_hours"}),
        extras=(incidents_by_severity, requests_by_type),
    ),
)
