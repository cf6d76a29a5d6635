"""Orders that do not come from a web session: livestreams, the marketplace and partners.

* Livestreams run every evening (UTC), one a day Monday to Wednesday and two Thursday to
  Sunday, numbered ``LS-0001`` onwards in order; their orders are placed during the stream
  or in the half hour after it.
* Marketplace orders arrive through the day like web orders; a good share come from
  shoppers who open an account with the order (no sign-up channel).
* Partners (``PTN-001`` ... ``PTN-012``) order on working days during office hours, each
  partner handled by one sales rep (``REP-001`` ... ``REP-008``), and pay by bank transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opspulse.demo.timeline import (
    GROWTH_PER_DAY,
    HOUR,
    MINUTE,
    NEVER,
    OFFICE_HOURS,
    SHOPPING_HOURS,
    WEEKDAY_B2B,
    Timeline,
    times_in_day,
)
from opspulse.sources.contracts import SALES_CHANNELS

LIVESTREAM_ORDERS_AT_SCALE_1 = 26  # per stream
MARKETPLACE_ORDERS_AT_SCALE_1 = 50
PARTNER_ORDERS_AT_SCALE_1 = 26
STREAMS_PER_WEEKDAY = (1, 1, 1, 2, 2, 2, 2)
PARTNERS = 12
SALES_REPS = 8
PARTNER_WEIGHTS = np.linspace(3.0, 0.5, PARTNERS) / np.linspace(3.0, 0.5, PARTNERS).sum()
PARTNER_REP = np.arange(PARTNERS) % SALES_REPS + 1
NEW_CUSTOMER_SHARE = {"livestream": 0.25, "marketplace": 0.40, "partner": 0.15}

LIVESTREAM, MARKETPLACE, PARTNER = (
    SALES_CHANNELS.index(c) for c in ("livestream", "marketplace", "partner")
)


@dataclass(frozen=True)
class ChannelOrders:
    """One day's livestream, marketplace and partner orders (not yet sorted)."""

    ordered_at: np.ndarray
    sales_channel: np.ndarray
    livestream: np.ndarray
    partner: np.ndarray
    sales_rep: np.ndarray
    new_customer: np.ndarray


def first_livestream(timeline: Timeline, t: int) -> int:
    """Number of the first livestream held on day ``t``."""
    return 1 + sum(STREAMS_PER_WEEKDAY[timeline.weekday(u)] for u in range(t))


def simulate_channel_orders(
    rng: np.random.Generator, t: int, timeline: Timeline, scale: float
) -> ChannelOrders:
    day_start = timeline.day_start(t)
    growth = GROWTH_PER_DAY**t

    streams = STREAMS_PER_WEEKDAY[timeline.weekday(t)]
    stream_start = day_start + 18 * HOUR + rng.integers(0, 36, streams) * 5 * MINUTE
    stream_minutes = rng.integers(12, 25, streams) * 5
    n_live = rng.poisson(LIVESTREAM_ORDERS_AT_SCALE_1 * scale * growth, streams)
    which = np.repeat(np.arange(streams), n_live)
    live_at = stream_start[which] + (
        rng.random(len(which)) * (stream_minutes[which] + 30) * MINUTE
    ).astype(np.int64)

    n_market = rng.poisson(MARKETPLACE_ORDERS_AT_SCALE_1 * scale * timeline.demand(t))
    market_at = times_in_day(rng, n_market, day_start, SHOPPING_HOURS)

    n_partner = rng.poisson(PARTNER_ORDERS_AT_SCALE_1 * scale * timeline.demand(t, WEEKDAY_B2B))
    partner_at = times_in_day(rng, n_partner, day_start, OFFICE_HOURS)
    partner = rng.choice(PARTNERS, n_partner, p=PARTNER_WEIGHTS)

    n_live = len(which)
    channel = np.r_[
        np.full(n_live, LIVESTREAM), np.full(n_market, MARKETPLACE), np.full(n_partner, PARTNER)
    ]
    not_partner = np.full(n_live + n_market, NEVER)
    new_share = np.array([NEW_CUSTOMER_SHARE.get(c, 0.0) for c in SALES_CHANNELS])
    return ChannelOrders(
        ordered_at=np.r_[live_at, market_at, partner_at],
        sales_channel=channel,
        livestream=np.r_[
            first_livestream(timeline, t) + which, np.full(n_market + n_partner, NEVER)
        ],
        partner=np.r_[not_partner, partner + 1],
        sales_rep=np.r_[not_partner, PARTNER_REP[partner]],
        new_customer=rng.random(len(channel)) < new_share[channel],
    )
