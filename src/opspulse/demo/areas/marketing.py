"""The demo company's marketing area: campaigns, ad spend, social media and livestreams.

Everything follows from the core world's files:

* campaigns are the weekly flights the sessions already carry (``CMP-{5w+1}`` ...
  ``CMP-{5w+5}`` in week ``w``: two paid search, two social, one email, see
  :mod:`opspulse.demo.traffic`), launched on the first day of their week and completed
  the day after their last;
* a running campaign's budget is raised or cut now and then (a change record that day);
* ad spend has one row per campaign and day of its flight; clicks are the day's sessions
  carrying the campaign plus the clicks that never became a tracked session, impressions
  follow from the channel's click-through rate and spend from its cost per click;
* social posts share the day's organic social sessions as their link clicks;
* livestreams are the evening shows of :mod:`opspulse.demo.sales_channels` (every stream
  number of the schedule, with or without orders), timed around the orders they brought
  and with an audience whose conversion to orders stays within 2.5-4.5 %;
* followers grow every day, livestream follows included.

Reading the core landing files and writing day by day use the helpers shared by every area
(:mod:`opspulse.demo.areas.landing`). Random draws come from one stream per (area, source,
day), so a day's files never depend on the end of the run.
"""

from __future__ import annotations

import numpy as np

from opspulse.demo.areas.context import AreaContext
from opspulse.demo.areas.landing import (
    day_rng,
    fetch,
    landing_connection,
    stack,
    timeline,
    write_days,
)
from opspulse.demo.encoding import Codec, Count, Day, Ident, Label, Money, Text, Timestamp
from opspulse.demo.sales_channels import LIVESTREAM_ORDERS_AT_SCALE_1, STREAMS_PER_WEEKDAY
from opspulse.demo.timeline import DAY, GROWTH_PER_DAY, HOUR, MINUTE, SHOPPING_HOURS, Timeline
from opspulse.demo.traffic import (
    CAMPAIGN_SHARE,
    CAMPAIGNS_PER_WEEK,
    CHANNEL_SHARES,
    SESSIONS_AT_SCALE_1,
)
from opspulse.demo.vocabulary import CATEGORY_PROFILES
from opspulse.demo.writer import LandingWriter
from opspulse.sources.areas.marketing import (
    CAMPAIGN_CHANNELS,
    CAMPAIGN_STATUSES,
    POST_TYPES,
    SOCIAL_PLATFORMS,
)
from opspulse.sources.contracts import CATEGORIES, TRAFFIC_CHANNELS

# --- shared by the area modules ------------------------------------------------------------


# --- marketing ---------------------------------------------------------------------------

AREA = "marketing"
CAMPAIGN_ID = Ident("CMP-", 4)
LIVESTREAM_ID = Ident("LS-", 4)

# campaign slot -> channel (see traffic._CHANNELS: slots 0-1 paid search, 2-3 social, 4 email)
SLOT_CHANNEL = np.array([0, 0, 1, 1, 2])
SLOT_TRAFFIC = np.array(
    [TRAFFIC_CHANNELS.index(CAMPAIGN_CHANNELS[c]) for c in SLOT_CHANNEL], dtype=np.int64
)
SLOTS_PER_CHANNEL = np.bincount(SLOT_CHANNEL)
CTR = np.array([0.045, 0.011, 0.12])  # click-through rate per campaign channel
CPC_CENTS = np.array([85, 55, 4])  # cost per click
UNTRACKED_CLICKS = 0.08  # clicks that never became a session (blocked trackers, bounces)
CO_MARKETING_SHARE = 0.3  # of social campaigns
BRANDS = np.array([b for p in CATEGORY_PROFILES.values() for b in p.brands])

PLATFORM_FOLLOWERS = np.array([180_000, 120_000, 90_000, 40_000])  # at scale 1, day 0
PLATFORM_GAIN = np.array([0.0015, 0.0030, 0.0005, 0.0012])  # share of followers a day
PLATFORM_LOSS = np.array([0.0005, 0.0009, 0.0004, 0.0003])
POST_PLATFORM = np.array([0.35, 0.3, 0.2, 0.15])
POST_REACH = np.array([0.05, 0.09, 0.03, 0.06])  # impressions per follower
STREAM_PLATFORM = np.array([0.3, 0.5, 0.0, 0.2])

S_CAMPAIGNS, S_AD_SPEND, S_POSTS, S_FOLLOWERS, S_STREAMS, S_PACING = range(6)
BUDGET_CHANGE_RATE = 0.6  # chance a day that one running campaign's budget is changed


def _campaigns(context: AreaContext, tl: Timeline) -> dict[str, np.ndarray]:
    """One launch record per campaign (first day of its week) and one completion record."""
    parts = []
    for week in range((tl.days + 6) // 7):
        rng = day_rng(context, AREA, S_CAMPAIGNS, week)
        t0 = 7 * week
        slots = np.arange(CAMPAIGNS_PER_WEEK)
        channel = SLOT_CHANNEL[slots]
        traffic = SLOT_TRAFFIC[slots]
        clicks_a_day = (
            SESSIONS_AT_SCALE_1
            * context.scale
            * tl.demand(t0)
            * CHANNEL_SHARES[traffic]
            * CAMPAIGN_SHARE[traffic]
            / SLOTS_PER_CHANNEL[channel]
            * (1 + UNTRACKED_CLICKS)
        )
        budget = clicks_a_day * 7 * CPC_CENTS[channel] * rng.uniform(0.95, 1.4, len(slots))
        social = channel == 1
        platform = np.where(
            social, rng.choice(len(SOCIAL_PLATFORMS), len(slots), p=POST_PLATFORM), -1
        )
        co_marketing = social & (rng.random(len(slots)) < CO_MARKETING_SHARE)
        brand = np.where(co_marketing, BRANDS[rng.integers(0, len(BRANDS), len(slots))], "")
        launched = tl.day_start(t0) + rng.integers(0, 30 * MINUTE, len(slots))
        created = launched - rng.integers(1, 4, len(slots)) * DAY - rng.integers(0, DAY, len(slots))
        base = {
            "campaign_id": CAMPAIGNS_PER_WEEK * week + 1 + slots,
            "campaign_name": np.strings.add(
                np.array(CAMPAIGN_CHANNELS)[channel],
                f" {tl.date_of(t0):%Y-%m-%d} #",
            ),
            "channel": channel,
            "platform": platform,
            "budget": (np.round(budget / 5000) * 5000).astype(np.int64).clip(5000),
            "start_date": np.full(len(slots), tl.day_start(t0)),
            "end_date": np.full(len(slots), tl.day_start(t0 + 6)),
            "co_marketing_brand": brand,
            "created_at": created,
        }
        base["campaign_name"] = np.strings.add(base["campaign_name"], (slots + 1).astype(str))
        launch = {
            **base,
            "status": np.zeros(len(slots), int),
            "updated_at": launched,
            "t": np.full(len(slots), t0),
        }
        parts.append(launch)
        budget = base["budget"].copy()
        for t in range(t0 + 1, min(t0 + 7, tl.days)):  # pacing: budgets raised or cut
            pacing = day_rng(context, AREA, S_PACING, t)
            if pacing.random() >= BUDGET_CHANGE_RATE:
                continue
            i = pacing.integers(0, len(slots), 1)
            budget[i] = (np.round(budget[i] * pacing.uniform(0.8, 1.3) / 5000) * 5000).clip(5000)
            parts.append(
                {
                    **{k: v[i] for k, v in base.items()},
                    "budget": budget[i].copy(),
                    "status": np.zeros(1, int),
                    "updated_at": tl.day_start(t) + pacing.integers(8 * HOUR, 18 * HOUR, 1),
                    "t": np.array([t]),
                }
            )
        if t0 + 7 < tl.days:
            done = tl.day_start(t0 + 7) + rng.integers(0, 2 * HOUR, len(slots))
            parts.append(
                {
                    **base,
                    "budget": budget,
                    "status": np.ones(len(slots), int),
                    "updated_at": done,
                    "t": np.full(len(slots), t0 + 7),
                }
            )
    return stack(parts)


def _ad_spend(context: AreaContext, tl: Timeline, con) -> dict[str, np.ndarray]:
    sessions = fetch(
        con,
        f"""
        select substr(campaign_id, 5)::bigint as campaign,
               (epoch(started_at)::bigint - {tl.epoch0}) // {DAY} as t,
               count(*) as sessions
        from web_sessions where campaign_id is not null
        group by all
        """,
    )
    weeks = (tl.days + 6) // 7
    tracked = np.zeros((CAMPAIGNS_PER_WEEK * weeks + 1, tl.days), np.int64)
    keep = (sessions["t"] >= 0) & (sessions["t"] < tl.days) & (sessions["campaign"] < len(tracked))
    tracked[sessions["campaign"][keep], sessions["t"][keep]] = sessions["sessions"][keep]
    parts = []
    for t in range(tl.days):
        rng = day_rng(context, AREA, S_AD_SPEND, t)
        campaign = CAMPAIGNS_PER_WEEK * (t // 7) + 1 + np.arange(CAMPAIGNS_PER_WEEK)
        channel = SLOT_CHANNEL[campaign - 1 - CAMPAIGNS_PER_WEEK * (t // 7)]
        n = tracked[campaign, t]
        clicks = n + rng.binomial(n + 1, UNTRACKED_CLICKS)
        impressions = np.ceil(clicks / (CTR[channel] * rng.lognormal(0, 0.15, len(n)))).astype(
            np.int64
        )
        impressions = np.maximum(impressions + rng.integers(0, 50, len(n)), clicks)
        spend = np.round(clicks * CPC_CENTS[channel] * rng.lognormal(0, 0.1, len(n))).astype(
            np.int64
        )
        parts.append(
            {
                "ad_spend_id": np.strings.add(
                    CAMPAIGN_ID.text(campaign), f"-{tl.date_of(t):%Y%m%d}"
                ),
                "campaign_id": campaign,
                "spend_date": np.full(len(n), tl.day_start(t)),
                "impressions": impressions,
                "clicks": clicks,
                "spend": spend,
                "t": np.full(len(n), t),
            }
        )
    return stack(parts)


def _livestreams(context: AreaContext, tl: Timeline, con) -> dict[str, np.ndarray]:
    orders = fetch(
        con,
        """
        with firsts as (
            select order_id, livestream_id, min(ordered_at) as ordered_at
            from orders where livestream_id is not null group by all
        )
        select substr(livestream_id, 4)::bigint as stream, count(*) as orders,
               epoch(min(ordered_at))::bigint as first_order,
               epoch(max(ordered_at))::bigint as last_order
        from firsts group by all order by stream
        """,
    )
    streams_a_day = np.array([STREAMS_PER_WEEKDAY[tl.weekday(t)] for t in range(tl.days)])
    first = 1 + np.r_[0, np.cumsum(streams_a_day)[:-1]]
    n_orders = np.zeros(int(streams_a_day.sum()) + 1, np.int64)
    first_order = np.zeros_like(n_orders)
    last_order = np.zeros_like(n_orders)
    known = orders["stream"] < len(n_orders)
    for target, values in (
        (n_orders, "orders"),
        (first_order, "first_order"),
        (last_order, "last_order"),
    ):
        target[orders["stream"][known]] = orders[values][known]
    parts = []
    for t in range(tl.days):
        rng = day_rng(context, AREA, S_STREAMS, t)
        k = int(streams_a_day[t])
        stream = first[t] + np.arange(k)
        has = n_orders[stream] > 0
        scheduled = tl.day_start(t) + 18 * HOUR + rng.integers(0, 36, k) * 5 * MINUTE
        started = np.where(has, first_order[stream] - rng.integers(2, 15, k) * MINUTE, scheduled)
        last = np.where(has, last_order[stream] - rng.integers(0, 30, k) * MINUTE, started)
        ended = np.maximum(last, started + rng.integers(12, 25, k) * 5 * MINUTE)
        minutes = (ended - started) // MINUTE
        expected = LIVESTREAM_ORDERS_AT_SCALE_1 * context.scale * GROWTH_PER_DAY**t
        conversion = rng.uniform(0.025, 0.045, k)
        viewers = np.ceil(
            np.maximum(n_orders[stream], expected * rng.lognormal(-0.3, 0.3, k)) / conversion
        ).astype(np.int64)
        per_viewer = np.minimum(minutes, rng.lognormal(np.log(9), 0.35, k))
        watch = np.round(viewers * per_viewer).astype(np.int64)
        average = np.maximum(1, np.round(watch / minutes)).astype(np.int64)
        peak = np.minimum(viewers, np.ceil(average * rng.uniform(1.3, 1.9, k))).astype(np.int64)
        parts.append(
            {
                "livestream_id": stream,
                "platform": rng.choice(len(SOCIAL_PLATFORMS), k, p=STREAM_PLATFORM),
                "featured_category": rng.integers(0, len(CATEGORIES), k),
                "started_at": started,
                "ended_at": ended,
                "peak_concurrent_viewers": np.maximum(peak, average),
                "avg_concurrent_viewers": average,
                "unique_viewers": viewers,
                "watch_minutes": watch,
                "comments": rng.poisson(viewers * 0.4),
                "likes": rng.poisson(viewers * 1.5),
                "new_followers": rng.binomial(viewers, 0.05),
                "buffering_seconds": rng.poisson(minutes * rng.uniform(0.5, 3.0, k)),
                "interruptions": rng.poisson(0.3, k),
                "t": np.full(k, t),
            }
        )
    return stack(parts)


def _social(context: AreaContext, tl: Timeline, con, campaigns, streams):
    organic = fetch(
        con,
        f"""
        select (epoch(started_at)::bigint - {tl.epoch0}) // {DAY} as t, count(*) as sessions
        from web_sessions
        where traffic_channel = 'social' and campaign_id is null
        group by all
        """,
    )
    organic_clicks = np.zeros(tl.days, np.int64)
    organic_clicks[organic["t"]] = organic["sessions"]
    platforms = len(SOCIAL_PLATFORMS)
    stream_follows = np.zeros((tl.days, platforms), np.int64)
    np.add.at(stream_follows, (streams["t"], streams["platform"]), streams["new_followers"])
    followers = PLATFORM_FOLLOWERS * context.scale
    social_launches = campaigns["status"] == 0
    posts, counts = [], []
    for t in range(tl.days):
        rng = day_rng(context, AREA, S_POSTS, t)
        gained = rng.poisson(followers * PLATFORM_GAIN * tl.demand(t)) + stream_follows[t]
        lost = rng.poisson(followers * PLATFORM_LOSS)
        counts.append(
            {
                "snapshot_id": np.strings.add(
                    np.array(SOCIAL_PLATFORMS), f"-{tl.date_of(t):%Y%m%d}"
                ),
                "platform": np.arange(platforms),
                "snapshot_date": np.full(platforms, tl.day_start(t)),
                "followers": np.round(followers).astype(np.int64) + gained - lost,
                "followers_gained": gained,
                "followers_lost": lost,
                "t": np.full(platforms, t),
            }
        )
        n = 4 + rng.poisson(3)
        platform = rng.choice(platforms, n, p=POST_PLATFORM)
        week = (campaigns["t"] == 7 * (t // 7)) & social_launches & (campaigns["channel"] == 1)
        campaign = np.full(n, -1)
        if week.any():
            tagged = rng.random(n) < 0.4
            pick = rng.choice(np.flatnonzero(week), n)
            campaign = np.where(tagged, campaigns["campaign_id"][pick], -1)
            platform = np.where(tagged, campaigns["platform"][pick], platform)
        impressions = np.ceil(
            followers[platform] * POST_REACH[platform] * rng.lognormal(0, 0.6, n)
        ).astype(np.int64)
        share = impressions / impressions.sum()
        clicks = rng.multinomial(organic_clicks[t], share)
        impressions = np.maximum(impressions, clicks * 20)
        posts.append(
            {
                "post_id": t * 100 + 1 + np.arange(n),
                "platform": platform,
                "post_type": rng.choice(len(POST_TYPES), n, p=[0.35, 0.35, 0.2, 0.1]),
                "campaign_id": campaign,
                "published_at": np.sort(
                    tl.day_start(t)
                    + rng.choice(24, n, p=SHOPPING_HOURS) * HOUR
                    + rng.integers(0, HOUR, n)
                ),
                "impressions": impressions,
                "reach": np.round(impressions * rng.uniform(0.6, 0.9, n)).astype(np.int64),
                "likes": rng.binomial(impressions, 0.03),
                "comments": rng.binomial(impressions, 0.004),
                "shares": rng.binomial(impressions, 0.002),
                "clicks": clicks,
                "t": np.full(n, t),
            }
        )
        followers = followers + gained - lost
    return stack(posts), stack(counts)


CODECS: dict[str, dict[str, Codec]] = {
    "campaigns": {
        "campaign_id": CAMPAIGN_ID,
        "campaign_name": Text(),
        "channel": Label(CAMPAIGN_CHANNELS),
        "platform": Label(SOCIAL_PLATFORMS),
        "budget": Money(),
        "start_date": Day(),
        "end_date": Day(),
        "co_marketing_brand": Text(),
        "status": Label(CAMPAIGN_STATUSES),
        "created_at": Timestamp(),
        "updated_at": Timestamp(),
    },
    "ad_spend": {
        "ad_spend_id": Text(),
        "campaign_id": CAMPAIGN_ID,
        "spend_date": Day(),
        "impressions": Count(),
        "clicks": Count(),
        "spend": Money(),
    },
    "social_posts": {
        "post_id": Ident("SP", 7),
        "platform": Label(SOCIAL_PLATFORMS),
        "post_type": Label(POST_TYPES),
        "campaign_id": CAMPAIGN_ID,
        "published_at": Timestamp(),
        **{k: Count() for k in ("impressions", "reach", "likes", "comments", "shares", "clicks")},
    },
    "social_followers": {
        "snapshot_id": Text(),
        "platform": Label(SOCIAL_PLATFORMS),
        "snapshot_date": Day(),
        "followers": Count(),
        "followers_gained": Count(),
        "followers_lost": Count(),
    },
    "livestreams": {
        "livestream_id": LIVESTREAM_ID,
        "platform": Label(SOCIAL_PLATFORMS),
        "featured_category": Label(CATEGORIES),
        "started_at": Timestamp(),
        "ended_at": Timestamp(),
        **{
            k: Count()
            for k in (
                "peak_concurrent_viewers",
                "avg_concurrent_viewers",
                "unique_viewers",
                "watch_minutes",
                "comments",
                "likes",
                "new_followers",
                "buffering_seconds",
                "interruptions",
            )
        },
    },
}


def write(context: AreaContext) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    tl = timeline(context)
    con = landing_connection(context, ("web_sessions", "orders"))
    campaigns = _campaigns(context, tl)
    tables = {"campaigns": campaigns, "ad_spend": _ad_spend(context, tl, con)}
    tables["livestreams"] = _livestreams(context, tl, con)
    tables["social_posts"], tables["social_followers"] = _social(
        context, tl, con, campaigns, tables["livestreams"]
    )
    con.close()
    written = {}
    with LandingWriter(context.out_dir) as writer:
        for name in ("campaigns", "ad_spend", "social_posts", "social_followers", "livestreams"):
            columns = tables[name]
            written[name] = write_days(writer, context, name, columns["t"], columns, CODECS[name])
    context.progress(
        "marketing: " + ", ".join(f"{name} {rows:,}" for name, (rows, _) in written.items())
    )
    return written
