"""Content headline KPIs (KPIS.md §11) from the landing files, in plain Python."""

from __future__ import annotations

from datetime import date

from oracle.landing import Landing

INVALID_STATUSES = {"cancelled", "unavailable"}


def headline(world: Landing, day: date) -> dict[str, object]:
    items = world.latest("content_items").values()
    views = [v for v in world.latest("content_views").values() if v["viewed_at"].date() == day]
    content_pages = {item["page"] for item in items}
    landed_on_content = {
        s["session_id"]
        for s in world.latest("web_sessions").values()
        if s["landing_page"] in content_pages
    }
    assisted = [
        o
        for o in world.latest("orders").values()
        if o["ordered_at"].date() == day
        and o["status"] not in INVALID_STATUSES
        and o["session_id"] in landed_on_content
    ]
    return {
        "views": len(views),
        "assisted_orders": len(assisted),
        "avg_read_seconds": sum(v["read_seconds"] for v in views) / len(views) if views else None,
        "items_published": sum(item["published_at"].date() == day for item in items),
        "shares": sum(v["shares"] for v in views),
        "product_clicks": sum(v["product_clicks"] for v in views),
    }
