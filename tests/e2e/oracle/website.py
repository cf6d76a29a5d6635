"""Website headline KPIs (KPIS.md §4) from the landing files, in plain Python."""

from __future__ import annotations

from datetime import date

from oracle.landing import Landing


def headline(world: Landing, day: date) -> dict[str, object]:
    sessions = [s for s in world.latest("web_sessions").values() if s["started_at"].date() == day]
    ordered_sessions = {o["session_id"] for o in world.latest("orders").values()}
    n = len(sessions)

    def share(count: int) -> float | None:
        return count / n if n else None

    return {
        "sessions": n,
        "unique_visitors": len({s["visitor_id"] for s in sessions}),
        "pct_bounce": share(sum(s["page_views"] == 1 for s in sessions)),
        "pct_conversion": share(sum(s["session_id"] in ordered_sessions for s in sessions)),
        "pages_per_session": share(sum(s["page_views"] for s in sessions)),
        "avg_session_duration_seconds": share(
            sum((s["ended_at"] - s["started_at"]).total_seconds() for s in sessions)
        ),
    }
