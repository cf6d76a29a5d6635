"""The demo company's sales area: the sales team, its partners and the monthly targets.

* Reps ``REP-001`` ... ``REP-008`` cover the regions two by two; partner ``PTN-p`` is
  managed by the rep :data:`opspulse.demo.sales_channels.PARTNER_REP` gives the orders, and
  sells in that rep's region. Both arrive on the first day as history; afterwards a partner
  now and then renegotiates its commission (a change record that day).
* Targets are set for each month on its first day (or on the first day of the run): the
  company, each sales channel, each region and each rep. They are the volume the simulation
  expects for the month (scale, weekday mix and growth included) plus 5 % ambition, split
  by channel, by the customers' regions and by the reps' partners' weights.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from opspulse.demo.areas.context import AreaContext
from opspulse.demo.areas.landing import day_rng, stack, timeline, write_days
from opspulse.demo.encoding import Codec, Count, Day, Flag, Ident, Label, Money, Text, Timestamp
from opspulse.demo.sales_channels import PARTNER_REP, PARTNER_WEIGHTS, PARTNERS, SALES_REPS
from opspulse.demo.timeline import DAY, GROWTH_PER_DAY, HOUR, MINUTE, WEEKDAY_DEMAND
from opspulse.demo.vocabulary import COUNTRIES
from opspulse.demo.writer import LandingWriter
from opspulse.sources.areas.sales import PARTNER_TYPES, REGIONS, TARGET_LEVELS
from opspulse.sources.contracts import SALES_CHANNELS

AREA = "sales"
S_REPS, S_PARTNERS, S_TARGETS = range(3)
REP_ID = Ident("REP-", 3)
REP_REGION = (np.arange(SALES_REPS) // 2) % len(REGIONS)  # rep r (0-based) -> region
REP_TEAM = (np.arange(SALES_REPS) >= SALES_REPS - 2).astype(int)  # the last two: corporate
PARTNER_NAMES = np.array(
    [
        "Brightline Retail",
        "Harbor & Hill",
        "Cedar Supply Co",
        "Nordic Goods",
        "Sunrise Trading",
        "Bluebird Stores",
        "Atlas Distribution",
        "Maple Street Market",
        "Orchid Wholesale",
        "Pioneer Outfitters",
        "Coral Bay Shops",
        "Summit Merchants",
    ]
)
assert len(PARTNER_NAMES) == PARTNERS
COMMISSION_CHANGE_RATE = 0.08  # chance a day that one partner's commission is revised

# net sales a day per sales channel at scale 1 on an average day (measured on the simulation)
NET_SALES_A_DAY = dict(web=12_700, app=3_900, livestream=2_000, marketplace=4_500, partner=2_550)
NEW_CUSTOMERS_A_DAY = 140
AMBITION = 1.05
_region_share = np.zeros(len(REGIONS))
for _code, _share, _region, _calling in COUNTRIES:
    _region_share[_region] += _share
REGION_SHARE = _region_share / _region_share.sum()
REP_SHARE = np.bincount(PARTNER_REP - 1, weights=PARTNER_WEIGHTS, minlength=SALES_REPS)


def _team(context: AreaContext, tl) -> tuple[dict, dict]:
    rng = day_rng(context, AREA, S_REPS, 0)
    before = tl.day_start(0) - rng.integers(HOUR, 20 * DAY, SALES_REPS)
    reps = {
        "sales_rep_id": np.arange(1, SALES_REPS + 1),
        "region": REP_REGION,
        "team": REP_TEAM,
        "hired_date": tl.day_start(0) - rng.integers(200, 1500, SALES_REPS) * DAY,
        "is_active": np.ones(SALES_REPS, int),
        "updated_at": before,
        "t": np.zeros(SALES_REPS, int),
    }
    rng = day_rng(context, AREA, S_PARTNERS, 0)
    rep = PARTNER_REP - 1
    commission = rng.integers(8, 16, PARTNERS)  # percent: cents of a 1.00 rate
    signed = tl.day_start(0) - rng.integers(90, 1200, PARTNERS) * DAY
    parts = [
        {
            "partner_id": np.arange(1, PARTNERS + 1),
            "partner_name": PARTNER_NAMES,
            "partner_type": np.where(REP_TEAM[rep] == 1, 2, np.arange(PARTNERS) % 2),
            "region": REP_REGION[rep],
            "sales_rep_id": rep + 1,
            "commission_rate": commission.copy(),
            "signed_date": signed,
            "is_active": np.ones(PARTNERS, int),
            "updated_at": tl.day_start(0) - rng.integers(HOUR, 30 * DAY, PARTNERS),
            "t": np.zeros(PARTNERS, int),
        }
    ]
    for t in range(1, tl.days):
        rng = day_rng(context, AREA, S_PARTNERS, t)
        if rng.random() >= COMMISSION_CHANGE_RATE:
            continue
        p = rng.integers(0, PARTNERS)
        commission[p] = np.clip(commission[p] + rng.choice([-1, 1]), 5, 20)
        parts.append(
            {
                **{k: v[p : p + 1] for k, v in parts[0].items()},
                "commission_rate": commission[p : p + 1].copy(),
                "updated_at": np.array([tl.day_start(t) + rng.integers(9 * HOUR, 18 * HOUR)]),
                "t": np.array([t]),
            }
        )
    partners = stack(parts)
    return reps, partners


def _month_volume(context: AreaContext, tl, first: date) -> float:
    """Expected volume of the month starting ``first`` relative to an average day (sum)."""
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    days = np.arange((first - tl.start).days, (last - tl.start).days)
    weekday = np.array([(tl.start + timedelta(days=int(d))).weekday() for d in days])
    return float((WEEKDAY_DEMAND[weekday] * GROWTH_PER_DAY ** days.astype(float)).sum())


def _targets(context: AreaContext, tl) -> dict[str, np.ndarray]:
    months = []
    for t in range(tl.days):
        ds = tl.date_of(t)
        if t == 0 or ds.day == 1:
            months.append((t, ds.replace(day=1)))
    levels, channel, region, rep, cents, customers, when, day, names = ([] for _ in range(9))
    channel_sales = np.array([NET_SALES_A_DAY[c] for c in SALES_CHANNELS], dtype=float)
    for t, first in months:
        rng = day_rng(context, AREA, S_TARGETS, t)
        volume = _month_volume(context, tl, first) * context.scale * AMBITION
        by_channel = channel_sales * volume
        company = by_channel.sum()
        rows = (
            [("company", -1, -1, -1, company, NEW_CUSTOMERS_A_DAY * volume)]
            + [
                (
                    "sales_channel",
                    c,
                    -1,
                    -1,
                    by_channel[c],
                    NEW_CUSTOMERS_A_DAY * volume * by_channel[c] / company,
                )
                for c in range(len(SALES_CHANNELS))
            ]
            + [("region", -1, r, -1, company * REGION_SHARE[r], -1) for r in range(len(REGIONS))]
            + [
                (
                    "sales_rep",
                    -1,
                    -1,
                    p + 1,
                    by_channel[SALES_CHANNELS.index("partner")] * REP_SHARE[p],
                    -1,
                )
                for p in range(SALES_REPS)
            ]
        )
        for level, c, r, p, amount, new in rows:
            member = {
                "company": "all",
                "sales_channel": SALES_CHANNELS[c],
                "region": REGIONS[r],
                "sales_rep": f"REP-{p:03d}",
            }[level]
            names.append(f"TGT-{first:%Y%m}-{member}")
            levels.append(TARGET_LEVELS.index(level))
            channel.append(c)
            region.append(r)
            rep.append(p)
            cents.append(int(round(amount)) * 100)
            customers.append(int(round(new)) if new >= 0 else -1)
            day.append(t)
        when.extend(tl.day_start(t) + rng.integers(0, 30 * MINUTE, len(rows)))
    month_of = {name: name[4:10] for name in names}
    return {
        "target_id": np.array(names),
        "target_month": np.array(
            [
                tl.day_start((date(int(month_of[n][:4]), int(month_of[n][4:]), 1) - tl.start).days)
                for n in names
            ],
            dtype=np.int64,
        ),
        "target_level": np.array(levels),
        "sales_channel": np.array(channel),
        "region": np.array(region),
        "sales_rep_id": np.array(rep),
        "net_sales_target": np.array(cents, dtype=np.int64),
        "new_customers_target": np.array(customers),
        "updated_at": np.array(when, dtype=np.int64),
        "t": np.array(day),
    }


CODECS: dict[str, dict[str, Codec]] = {
    "sales_reps": {
        "sales_rep_id": REP_ID,
        "region": Label(REGIONS),
        "team": Label(("partners", "corporate")),
        "hired_date": Day(),
        "is_active": Flag(),
        "updated_at": Timestamp(),
    },
    "partners": {
        "partner_id": Ident("PTN-", 3),
        "partner_name": Text(),
        "partner_type": Label(PARTNER_TYPES),
        "region": Label(REGIONS),
        "sales_rep_id": REP_ID,
        "commission_rate": Money(),
        "signed_date": Day(),
        "is_active": Flag(),
        "updated_at": Timestamp(),
    },
    "sales_targets": {
        "target_id": Text(),
        "target_month": Day(),
        "target_level": Label(TARGET_LEVELS),
        "sales_channel": Label(SALES_CHANNELS),
        "region": Label(REGIONS),
        "sales_rep_id": REP_ID,
        "net_sales_target": Money(),
        "new_customers_target": Count(),
        "updated_at": Timestamp(),
    },
}


def write(context: AreaContext) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    tl = timeline(context)
    reps, partners = _team(context, tl)
    tables = {"sales_reps": reps, "partners": partners, "sales_targets": _targets(context, tl)}
    written = {}
    with LandingWriter(context.out_dir) as writer:
        for name, columns in tables.items():
            written[name] = write_days(writer, context, name, columns["t"], columns, CODECS[name])
    context.progress(
        "sales: " + ", ".join(f"{name} {rows:,}" for name, (rows, _) in written.items())
    )
    return written
