"""Privacy headline KPIs (KPIS.md §13) recomputed from the landing files in plain Python.

An incident is open at the end of a day when it was detected on or before it and not resolved
by then; MTTR is the mean of (resolved − detected) hours over incidents resolved in the
trailing 30 days; the on-time rate is over requests completed that day (completed on or
before the due date); overdue requests are open at the end of the day past their due date.
Timezone UTC; each incident and request in its latest version.
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import mean
from typing import Any

from oracle.landing import Landing


def headline(world: Landing, day: date) -> dict[str, Any]:
    incidents = list(world.latest("security_incidents").values())
    requests = list(world.latest("privacy_requests").values())

    def resolved_day(incident: dict[str, Any]) -> date | None:
        return incident["resolved_at"].date() if incident["resolved_at"] else None

    def completed_day(request: dict[str, Any]) -> date | None:
        return request["completed_at"].date() if request["completed_at"] else None

    open_incidents = sum(
        1
        for i in incidents
        if i["detected_at"].date() <= day and (resolved_day(i) is None or resolved_day(i) > day)
    )
    window_start = day - timedelta(days=29)
    resolved_recently = [
        i for i in incidents if resolved_day(i) and window_start <= resolved_day(i) <= day
    ]
    hours_to_resolve = [
        (i["resolved_at"] - i["detected_at"]).total_seconds() / 3600 for i in resolved_recently
    ]
    completed_today = [r for r in requests if completed_day(r) == day]
    on_time = sum(1 for r in completed_today if completed_day(r) <= r["due_date"])
    overdue = sum(
        1
        for r in requests
        if r["received_at"].date() <= day
        and r["due_date"] < day
        and (completed_day(r) is None or completed_day(r) > day)
    )
    return {
        "open_incidents": open_incidents,
        "pct_requests_on_time": on_time / len(completed_today) if completed_today else None,
        "overdue_requests": overdue,
        "mttr_hours": mean(hours_to_resolve) if hours_to_resolve else None,
        "critical_incidents_opened": sum(
            1 for i in incidents if i["severity"] == "critical" and i["detected_at"].date() == day
        ),
        "requests_received": sum(1 for r in requests if r["received_at"].date() == day),
    }
