"""The demo company's web area: events inside the sessions, content items and their reads.

Everything is derived from the core ``web_sessions``, ``orders``, ``order_items`` and
``products`` files of the same day:

* ``web_events``: each session's ``page_views`` page views (the first on the landing page at
  the session start, the others spread over the session: product, category, home and cart
  pages), its ``add_to_cart_events`` add-to-cart events (the ordered products first for a
  converting session, otherwise products already launched), and for a session with an order
  a checkout followed by the purchase at ``ordered_at`` carrying the order id. Every event
  lies within its session; the event id is the session id and the event's position in it.
* ``content_items``: one item per blog post the sessions land on (``/blog/<slug>``),
  published before the run and sent as history on its first day; items are refreshed now
  and then (a change record that day).
* ``content_views``: one read per session landing on a blog post, read time within the
  session, a product click when the session's second page is a product page.
"""

from __future__ import annotations

import numpy as np

from opspulse.demo.areas.context import AreaContext
from opspulse.demo.areas.landing import (
    day_rng,
    fetch,
    group_starts,
    landing_connection,
    stack,
    timeline,
    write_days,
)
from opspulse.demo.encoding import Codec, Count, Ident, Label, Text, Timestamp
from opspulse.demo.timeline import DAY, HOUR
from opspulse.demo.vocabulary import BLOG_SLUGS
from opspulse.demo.writer import LandingWriter
from opspulse.sources.areas.web import CONTENT_TYPES, EVENT_TYPES
from opspulse.sources.contracts import CATEGORIES

AREA = "web"
S_EVENTS, S_ITEMS, S_VIEWS = range(3)
PAGE_VIEW, ADD_TO_CART, CHECKOUT, PURCHASE = range(4)
SESSION_ID = Ident("S", 9)
PRODUCT_ID = Ident("P", 4)
CONTENT_ID = Ident("CNT-", 4)

# the next page after the landing: product, category, home, cart
NEXT_PAGE = np.array([0.55, 0.25, 0.1, 0.1])
# blog slug -> (topic, content type)
_CONTENT = {
    "how-to-choose-running-shoes": ("apparel", "guide"),
    "spring-skincare-routine": ("beauty", "article"),
    "best-gifts-under-50": ("toys", "article"),
    "cosy-home-ideas": ("home", "article"),
    "one-pan-dinners": ("kitchen", "video"),
    "weekend-hiking-checklist": ("outdoor", "guide"),
    "screen-free-play": ("toys", "article"),
    "books-for-long-flights": ("books", "article"),
    "wireless-earbuds-compared": ("electronics", "video"),
    "capsule-wardrobe-basics": ("apparel", "guide"),
    "coffee-brewing-guide": ("kitchen", "guide"),
    "camping-with-kids": ("outdoor", "article"),
    "desk-setup-tips": ("electronics", "video"),
    "sustainable-kitchen": ("kitchen", "article"),
}
assert tuple(_CONTENT) == BLOG_SLUGS, "one content profile per blog slug, same order"
TOPIC = np.array([CATEGORIES.index(_CONTENT[s][0]) for s in BLOG_SLUGS])
CONTENT_TYPE = np.array([CONTENT_TYPES.index(_CONTENT[s][1]) for s in BLOG_SLUGS])
TITLE = np.array([s.replace("-", " ").capitalize() for s in BLOG_SLUGS])
REFRESH_RATE = 0.25  # chance a day that one item is refreshed


def _sessions(con, tl) -> dict[str, np.ndarray]:
    sessions = fetch(
        con,
        f"""
        with orders_first as (
            select session_id, order_id, min(ordered_at) as ordered_at
            from orders where session_id is not null group by all
        ),
        sessions as (
            select s.*, o.order_id, o.ordered_at
            from web_sessions s left join orders_first o using (session_id)
        )
        select substr(session_id, 2)::bigint as session,
               visitor_id as visitor,
               (epoch(started_at)::bigint - {tl.epoch0}) // {DAY} as t,
               epoch(started_at)::bigint as started_at,
               epoch(ended_at)::bigint as ended_at,
               landing_page,
               coalesce(try_cast(substr(landing_page, 5) as bigint), -1) as landing_product,
               coalesce(list_position({list(BLOG_SLUGS)}, substr(landing_page, 7)) - 1, -1)
                   as landing_blog,
               page_views,
               add_to_cart_events as add_to_cart,
               coalesce(substr(order_id, 2)::bigint, -1) as order_number,
               coalesce(epoch(ordered_at)::bigint, -1) as ordered_at
        from sessions
        order by t, session
        """,
    )
    sessions["landing_page"] = sessions["landing_page"].astype(str)
    return sessions


def _order_products(con) -> tuple[np.ndarray, np.ndarray]:
    """Products of each order, grouped: (order number per line, product number per line)."""
    lines = fetch(
        con,
        """
        select distinct substr(order_id, 2)::bigint as order_number,
               substr(order_item_id, 3)::bigint as line,
               substr(product_id, 2)::bigint as product
        from order_items order by order_number, line
        """,
    )
    return lines["order_number"], lines["product"]


def _products(con) -> np.ndarray:
    """Launch times of the products, sorted, with the product numbers in the same order."""
    products = fetch(
        con,
        """
        select substr(product_id, 2)::bigint as product, epoch(min(launched_at))::bigint as launched_at
        from products group by all order by launched_at, product
        """,
    )
    return products["launched_at"], products["product"]


def _events_of_day(rng, s, order_lines, launched) -> dict[str, np.ndarray]:
    """The events of one day's sessions ``s`` (numpy columns sorted by session)."""
    n = len(s["session"])
    converts = s["ordered_at"] >= 0
    checkout_at = np.where(
        converts,
        np.maximum(s["started_at"], s["ordered_at"] - rng.integers(5, 90, n)),
        s["ended_at"],
    )
    launch_at, launch_product = launched

    def any_product(at: np.ndarray) -> np.ndarray:
        on_sale = np.maximum(np.searchsorted(launch_at, at, side="right"), 1)
        return launch_product[(rng.random(len(at)) * on_sale).astype(np.int64)]

    # page views: the landing page at the start, then pages spread over the session
    pv_session = np.repeat(np.arange(n), s["page_views"])
    first = group_starts(pv_session)
    span = checkout_at[pv_session] - s["started_at"][pv_session]
    pv_at = s["started_at"][pv_session] + np.where(
        first, 0, (rng.random(len(pv_session)) * (span + 1)).astype(np.int64)
    )
    kind = rng.choice(4, len(pv_session), p=NEXT_PAGE)
    product = any_product(pv_at)
    category = np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), len(pv_session))]
    pages = np.select(
        [kind == 0, kind == 1, kind == 2],
        [np.strings.add("/p/", PRODUCT_ID.text(product)), np.strings.add("/c/", category), "/"],
        "/cart",
    )
    pv_product = np.where(kind == 0, product, -1)
    landing_product = s["landing_product"][pv_session]
    pv_page = np.where(first, s["landing_page"][pv_session], pages)
    pv_product = np.where(first, landing_product, pv_product)

    # add to cart: the ordered products first, else any product on sale
    atc_session = np.repeat(np.arange(n), s["add_to_cart"])
    position = np.arange(len(atc_session)) - np.searchsorted(atc_session, atc_session)
    line_order, line_product = order_lines
    order_number = s["order_number"][atc_session]
    line_start = np.searchsorted(line_order, order_number)
    line_count = np.searchsorted(line_order, order_number, side="right") - line_start
    span = checkout_at[atc_session] - s["started_at"][atc_session]
    atc_at = s["started_at"][atc_session] + (rng.random(len(atc_session)) * (span + 1)).astype(
        np.int64
    )
    picked = (
        line_product[
            np.minimum(line_start + position % np.maximum(line_count, 1), len(line_product) - 1)
        ]
        if len(line_product)
        else np.zeros(len(atc_session), np.int64)
    )
    atc_product = np.where(line_count > 0, picked, any_product(atc_at))

    buyers = np.flatnonzero(converts)
    k = len(buyers)
    session = np.r_[pv_session, atc_session, buyers, buyers]
    events = {
        "session": session,
        "event_type": np.r_[
            np.full(len(pv_session), PAGE_VIEW),
            np.full(len(atc_session), ADD_TO_CART),
            np.full(k, CHECKOUT),
            np.full(k, PURCHASE),
        ],
        "page": np.r_[
            pv_page,
            np.strings.add("/p/", PRODUCT_ID.text(atc_product)),
            np.full(k, "/checkout"),
            np.full(k, "/checkout/confirmation"),
        ],
        "product_id": np.r_[pv_product, atc_product, np.full(2 * k, -1)],
        "order_id": np.r_[
            np.full(len(pv_session) + len(atc_session) + k, -1), s["order_number"][buyers]
        ],
        "occurred_at": np.r_[pv_at, atc_at, checkout_at[buyers], s["ordered_at"][buyers]],
    }
    order = np.lexsort(
        (events["event_type"], events["occurred_at"], s["session"][events["session"]])
    )
    events = {k: v[order] for k, v in events.items()}
    sessions_of = events.pop("session")
    starts = np.searchsorted(sessions_of, sessions_of)
    seq = np.arange(len(sessions_of)) - starts + 1
    events["event_id"] = np.strings.add(
        np.strings.add(SESSION_ID.text(s["session"][sessions_of]), "-"),
        np.strings.zfill(seq.astype(str), 3),
    )
    events["session_id"] = s["session"][sessions_of]
    events["visitor_id"] = s["visitor"][sessions_of]
    return events, (pv_session, pv_page, first)


def _content_views(rng, s, page_views) -> dict[str, np.ndarray]:
    pv_session, pv_page, first = page_views
    blog = np.flatnonzero(s["landing_blog"] >= 0)
    second = np.flatnonzero(~first)
    second = (
        second[np.r_[True, pv_session[second][1:] != pv_session[second][:-1]]]
        if len(second)
        else second
    )
    to_product = np.zeros(len(s["session"]), np.int64)
    to_product[pv_session[second]] = np.strings.startswith(pv_page[second], "/p/")
    duration = s["ended_at"][blog] - s["started_at"][blog]
    single = s["page_views"][blog] == 1
    read = np.where(single, duration, duration * rng.uniform(0.3, 0.8, len(blog)))
    return {
        "view_id": s["session"][blog],
        "content_id": s["landing_blog"][blog] + 1,
        "session_id": s["session"][blog],
        "viewed_at": s["started_at"][blog],
        "read_seconds": np.round(read).astype(np.int64),
        "shares": rng.binomial(1, np.where(single, 0.01, 0.04)),
        "product_clicks": to_product[blog],
        "t": s["t"][blog],
    }


def _content_items(context, tl) -> dict[str, np.ndarray]:
    k = len(BLOG_SLUGS)
    rng = day_rng(context, AREA, S_ITEMS, 0)
    published = (
        tl.day_start(0)
        - (30 + 20 * np.arange(k)[::-1]) * DAY
        + rng.integers(7 * HOUR, 11 * HOUR, k)
    )
    base = {
        "content_id": np.arange(1, k + 1),
        "page": np.strings.add("/blog/", np.array(BLOG_SLUGS)),
        "title": TITLE,
        "content_type": CONTENT_TYPE,
        "topic": TOPIC,
        "published_at": published,
        "updated_at": published,
        "t": np.zeros(k, np.int64),
    }
    parts = [base]
    for t in range(1, tl.days):
        rng = day_rng(context, AREA, S_ITEMS, t)
        if rng.random() >= REFRESH_RATE:
            continue
        i = rng.integers(0, k, 1)
        parts.append(
            {
                **{name: v[i] for name, v in base.items()},
                "updated_at": tl.day_start(t) + rng.integers(8 * HOUR, 18 * HOUR, 1),
                "t": np.array([t]),
            }
        )
    return stack(parts)


CODECS: dict[str, dict[str, Codec]] = {
    "web_events": {
        "event_id": Text(),
        "session_id": SESSION_ID,
        "visitor_id": Text(),
        "event_type": Label(EVENT_TYPES),
        "page": Text(),
        "product_id": PRODUCT_ID,
        "order_id": Ident("O", 7),
        "occurred_at": Timestamp(),
    },
    "content_items": {
        "content_id": CONTENT_ID,
        "page": Text(),
        "title": Text(),
        "content_type": Label(CONTENT_TYPES),
        "topic": Label(CATEGORIES),
        "published_at": Timestamp(),
        "updated_at": Timestamp(),
    },
    "content_views": {
        "view_id": Ident("CV", 9),
        "content_id": CONTENT_ID,
        "session_id": SESSION_ID,
        "viewed_at": Timestamp(),
        "read_seconds": Count(),
        "shares": Count(),
        "product_clicks": Count(),
    },
}


def write(context: AreaContext) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    tl = timeline(context)
    con = landing_connection(context, ("web_sessions", "orders", "order_items", "products"))
    sessions = _sessions(con, tl)
    order_lines = _order_products(con)
    launched = _products(con)
    con.close()
    bounds = np.searchsorted(sessions["t"], np.arange(tl.days + 1))
    written = {"web_events": (0, 0)}
    views = []
    with LandingWriter(context.out_dir) as writer:
        for t in range(tl.days):
            s = {k: v[bounds[t] : bounds[t + 1]] for k, v in sessions.items()}
            rng = day_rng(context, AREA, S_EVENTS, t)
            events, page_views = _events_of_day(rng, s, order_lines, launched)
            rows, files = write_days(
                writer,
                context,
                "web_events",
                np.full(len(events["event_id"]), t),
                events,
                CODECS["web_events"],
                days=[t],
            )
            written["web_events"] = (
                written["web_events"][0] + rows,
                written["web_events"][1] + files,
            )
            views.append(_content_views(day_rng(context, AREA, S_VIEWS, t), s, page_views))
        for name, columns in (
            ("content_items", _content_items(context, tl)),
            ("content_views", stack(views)),
        ):
            written[name] = write_days(writer, context, name, columns["t"], columns, CODECS[name])
    context.progress("web: " + ", ".join(f"{name} {rows:,}" for name, (rows, _) in written.items()))
    return written
