"""Social media headline KPIs recomputed from the landing files in plain Python (KPIS.md §6).

Posts count on their publication day with their metrics as last delivered; followers are each
platform's end-of-day count, carried forward from its latest earlier snapshot when the day's
is missing; net growth is the day's gained minus lost. Timezone: UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from oracle.landing import Landing


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def headline(world: Landing, day: date) -> dict[str, Any]:
    posts = [p for p in world.latest("social_posts").values() if p["published_at"].date() == day]
    impressions = sum(p["impressions"] for p in posts)
    engagements = sum(p["likes"] + p["comments"] + p["shares"] for p in posts)
    clicks = sum(p["clicks"] for p in posts)

    latest_by_platform: dict[str, dict[str, Any]] = {}
    for snapshot in world.latest("social_followers").values():
        if snapshot["snapshot_date"] > day:
            continue
        held = latest_by_platform.get(snapshot["platform"])
        if held is None or snapshot["snapshot_date"] > held["snapshot_date"]:
            latest_by_platform[snapshot["platform"]] = snapshot
    todays = [s for s in latest_by_platform.values() if s["snapshot_date"] == day]

    return {
        "pct_engagement": _ratio(engagements, impressions),
        "impressions": impressions,
        "net_follower_growth": sum(s["followers_gained"] - s["followers_lost"] for s in todays),
        "pct_click_through": _ratio(clicks, impressions),
        "followers": sum(s["followers"] for s in latest_by_platform.values()),
        "posts_published": len(posts),
    }
