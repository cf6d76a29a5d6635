"""Web and app traffic: sessions, where they come from, what they land on, which convert.

Each day brings about 7,000 sessions at scale 1 (weekday seasonality and growth included).
A session has a device and a traffic channel; paid search, most paid social and most email
sessions carry a campaign id. Campaigns run as weekly flights: week ``w`` of the simulation
has five (``CMP-{5w+1}`` ... ``CMP-{5w+5}``: two paid search, two social, one email).
Sessions land on the home page, a category page, a product page or a blog post; blog
visitors bounce more and convert less. A converting session always has at least three page
views and one add-to-cart, and its order is placed shortly before the session ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opspulse.demo.draws import categorical, shares
from opspulse.demo.timeline import DAY, MINUTE, NEVER, SHOPPING_HOURS, Timeline, times_in_day
from opspulse.demo.vocabulary import BLOG_SLUGS
from opspulse.sources.contracts import CATEGORIES, DEVICES, TRAFFIC_CHANNELS

SESSIONS_AT_SCALE_1 = 7_000
DEVICE_SHARES = shares({"desktop": 36, "mobile": 54, "tablet": 10}, DEVICES)
DEVICE_CONVERSION = np.array([{"desktop": 1.25, "mobile": 0.85, "tablet": 1.0}[d] for d in DEVICES])
APP_SHARE = np.array([{"desktop": 0.0, "mobile": 0.5, "tablet": 0.35}[d] for d in DEVICES])

# channel: share of sessions, base conversion rate, share carrying a campaign, campaign slots
_CHANNELS = {
    "organic": (30, 0.032, 0.0, ()),
    "paid_search": (17, 0.042, 1.0, (0, 1)),
    "social": (15, 0.018, 0.55, (2, 3)),
    "email": (8, 0.055, 0.9, (4,)),
    "direct": (18, 0.048, 0.0, ()),
    "referral": (7, 0.030, 0.0, ()),
    "livestream": (5, 0.035, 0.0, ()),
}
CHANNEL_SHARES = shares({k: v[0] for k, v in _CHANNELS.items()}, TRAFFIC_CHANNELS)
CHANNEL_CONVERSION = np.array([_CHANNELS[c][1] for c in TRAFFIC_CHANNELS])
CAMPAIGN_SHARE = np.array([_CHANNELS[c][2] for c in TRAFFIC_CHANNELS])
CAMPAIGNS_PER_WEEK = 5

LANDING_KINDS = ("home", "category", "product", "blog")
HOME, CATEGORY, PRODUCT, BLOG = range(4)
# landing mix per traffic channel (home, category, product, blog)
_LANDING_MIX = {
    "organic": (10, 20, 35, 35),
    "paid_search": (0, 40, 60, 0),
    "social": (15, 15, 50, 20),
    "email": (20, 40, 40, 0),
    "direct": (60, 20, 20, 0),
    "referral": (30, 0, 40, 30),
    "livestream": (30, 0, 70, 0),
}
LANDING_MIX = np.array([_LANDING_MIX[c] for c in TRAFFIC_CHANNELS], dtype=float)
LANDING_MIX /= LANDING_MIX.sum(axis=1, keepdims=True)
LANDING_CONVERSION = np.array([1.0, 1.1, 1.2, 0.45])
BOUNCE_RATE = np.array([0.35, 0.30, 0.45, 0.60])
ABANDONED_CART_RATE = 0.15
SECONDS_PER_PAGE = 45


@dataclass(frozen=True)
class Sessions:
    """One day's sessions, sorted by start time."""

    started_at: np.ndarray
    ended_at: np.ndarray
    device: np.ndarray
    channel: np.ndarray
    campaign: np.ndarray
    landing_kind: np.ndarray
    landing_ref: np.ndarray
    """Category code, product index or blog slug index, depending on the kind."""
    page_views: np.ndarray
    add_to_cart: np.ndarray
    converts: np.ndarray
    ordered_at: np.ndarray
    """When the order was placed (converting sessions), else -1."""
    in_app: np.ndarray

    def __len__(self) -> int:
        return len(self.started_at)


def simulate_sessions(
    rng: np.random.Generator, t: int, timeline: Timeline, scale: float, pick_products
) -> Sessions:
    """The sessions of day ``t``. ``pick_products(n)`` draws products on sale by popularity."""
    day_start = timeline.day_start(t)
    n = rng.poisson(SESSIONS_AT_SCALE_1 * scale * timeline.demand(t) * rng.lognormal(0, 0.04))
    device = categorical(rng, DEVICE_SHARES, n)
    channel = categorical(rng, CHANNEL_SHARES, n)

    campaign = np.full(n, NEVER)
    week = t // 7
    for code, name in enumerate(TRAFFIC_CHANNELS):
        slots = _CHANNELS[name][3]
        mine = np.flatnonzero((channel == code) & (rng.random(n) < CAMPAIGN_SHARE[code]))
        if slots and len(mine):
            campaign[mine] = CAMPAIGNS_PER_WEEK * week + 1 + rng.choice(slots, len(mine))

    cumulative = np.cumsum(LANDING_MIX[channel], axis=1)
    kind = (rng.random(n)[:, None] > cumulative).sum(axis=1)
    ref = np.full(n, NEVER)
    for code, count in ((CATEGORY, len(CATEGORIES)), (BLOG, len(BLOG_SLUGS))):
        mine = kind == code
        ref[mine] = rng.integers(0, count, mine.sum())
    mine = kind == PRODUCT
    ref[mine] = pick_products(int(mine.sum()))

    conversion = CHANNEL_CONVERSION[channel] * DEVICE_CONVERSION[device] * LANDING_CONVERSION[kind]
    converts = rng.random(n) < conversion
    bounced = ~converts & (rng.random(n) < BOUNCE_RATE[kind])
    page_views = np.where(
        converts, 2 + rng.geometric(0.25, n), np.where(bounced, 1, 1 + rng.geometric(0.3, n))
    )
    add_to_cart = np.where(
        converts,
        1 + rng.binomial(2, 0.3, n),
        np.where(~bounced & (rng.random(n) < ABANDONED_CART_RATE), 1 + rng.binomial(2, 0.25, n), 0),
    )
    add_to_cart[bounced & (kind == PRODUCT) & (rng.random(n) < 0.03)] = 1

    started_at = times_in_day(rng, n, day_start, SHOPPING_HOURS)
    seconds = np.where(
        bounced,
        rng.integers(0, 60, n),
        (page_views * SECONDS_PER_PAGE * rng.lognormal(0, 0.5, n)).astype(np.int64),
    )
    ended_at = np.minimum(started_at + seconds, day_start + DAY - 1)
    checkout = np.minimum(ended_at - started_at, rng.integers(10, 3 * MINUTE, n))
    ordered_at = np.where(converts, ended_at - checkout, NEVER)
    in_app = converts & (rng.random(n) < APP_SHARE[device])

    order = np.argsort(started_at, kind="stable")
    return Sessions(
        started_at[order],
        ended_at[order],
        device[order],
        channel[order],
        campaign[order],
        kind[order],
        ref[order],
        page_views[order],
        add_to_cart[order],
        converts[order],
        ordered_at[order],
        in_app[order],
    )


def landing_pages(kind: np.ndarray, ref: np.ndarray, product_ids) -> np.ndarray:
    """Landing page paths: ``/``, ``/c/<category>``, ``/p/<product_id>``, ``/blog/<slug>``."""
    pages = np.full(len(kind), "/", dtype=object)
    for code, prefix, names in (
        (CATEGORY, "/c/", np.array(CATEGORIES)),
        (BLOG, "/blog/", np.array(BLOG_SLUGS)),
    ):
        mine = kind == code
        pages[mine] = np.strings.add(prefix, names[ref[mine]])
    mine = kind == PRODUCT
    pages[mine] = np.strings.add("/p/", product_ids(ref[mine] + 1))
    return pages.astype(str)
