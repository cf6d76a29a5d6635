"""The demo company's A/B tests: experiments and which visitor saw which variant.

Experiments run in blocks of 14 days from the first day of the run, two at a time
(``EXP-{2b+1}`` and ``EXP-{2b+2}`` in block ``b``). Each takes every visitor of
``web_sessions`` during its 14 days, assigned at the start of their first session in the
block. The designs cycle through four templates, each with a known truth:

* ``winner``: a converting first session goes to treatment more often (58 %) and the other
  sessions are balanced so that the split stays 50/50: treatment converts visibly better;
* ``srm``: 56 % of visitors land in treatment against a planned 50 %, a sample-ratio
  mismatch, with no effect on conversion;
* ``neutral``: a fair coin;
* ``loser``: the mirror of ``winner``.

An experiment is sent as a change record when it starts (``running``, planned end) and
again the day after its last day (``completed``, with ``ended_at``).
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
from opspulse.demo.encoding import Codec, Day, Ident, Label, Money, Text, Timestamp
from opspulse.demo.timeline import DAY, MINUTE
from opspulse.demo.writer import LandingWriter
from opspulse.sources.areas.experiments import EXPERIMENT_STATUSES, PRIMARY_METRICS, VARIANTS

AREA = "experiments"
S_EXPERIMENTS, S_ASSIGNMENTS = range(2)
BLOCK_DAYS = 14
PER_BLOCK = 2
EXPERIMENT_ID = Ident("EXP-", 3)

# name, page, primary metric, P(treatment | first session converts) or None, P(treatment)
TEMPLATES = (
    ("one_page_checkout", "checkout", "conversion_rate", 0.58, 0.50),
    ("free_shipping_banner", "home", "conversion_rate", None, 0.56),
    ("bigger_product_photos", "product", "add_to_cart_rate", None, 0.50),
    ("urgency_countdown", "cart", "conversion_rate", 0.42, 0.50),
)
WINNER, SRM, NEUTRAL, LOSER = range(len(TEMPLATES))


def _experiments(context: AreaContext, tl) -> dict[str, np.ndarray]:
    parts = []
    for block in range((tl.days + BLOCK_DAYS - 1) // BLOCK_DAYS):
        rng = day_rng(context, AREA, S_EXPERIMENTS, block)
        t0 = BLOCK_DAYS * block
        number = PER_BLOCK * block + 1 + np.arange(PER_BLOCK)
        template = (number - 1) % len(TEMPLATES)
        started = np.full(PER_BLOCK, tl.day_start(t0))
        base = {
            "experiment_id": number,
            "experiment_name": np.array([TEMPLATES[i][0] for i in template]),
            "page": np.array([TEMPLATES[i][1] for i in template]),
            "variants": np.full(PER_BLOCK, ",".join(VARIANTS)),
            "planned_treatment_share": np.full(PER_BLOCK, 50),
            "primary_metric": np.array([PRIMARY_METRICS.index(TEMPLATES[i][2]) for i in template]),
            "started_at": started,
            "planned_end_date": started + (BLOCK_DAYS - 1) * DAY,
        }
        parts.append(
            {
                **base,
                "status": np.zeros(PER_BLOCK, int),
                "ended_at": np.full(PER_BLOCK, -1),
                "updated_at": started + rng.integers(0, 10 * MINUTE, PER_BLOCK),
                "t": np.full(PER_BLOCK, t0),
            }
        )
        if t0 + BLOCK_DAYS < tl.days:
            parts.append(
                {
                    **base,
                    "status": np.ones(PER_BLOCK, int),
                    "ended_at": started + BLOCK_DAYS * DAY - 1,
                    "updated_at": tl.day_start(t0 + BLOCK_DAYS)
                    + rng.integers(0, 60 * MINUTE, PER_BLOCK),
                    "t": np.full(PER_BLOCK, t0 + BLOCK_DAYS),
                }
            )
    return stack(parts)


def _assignments(context: AreaContext, tl, con) -> dict[str, np.ndarray]:
    """Each block's visitors at their first session, with whether that session converted."""
    firsts = fetch(
        con,
        f"""
        with sessions as (
            select visitor_id, session_id,
                   (epoch(started_at)::bigint - {tl.epoch0}) // {DAY} as t,
                   epoch(started_at)::bigint as started_at
            from web_sessions
        ),
        converted as (select distinct session_id from orders where session_id is not null),
        firsts as (
            select *, t // {BLOCK_DAYS} as block from sessions
            qualify row_number() over (
                partition by visitor_id, t // {BLOCK_DAYS} order by started_at, session_id
            ) = 1
        )
        select f.visitor_id as visitor, substr(f.session_id, 2)::bigint as session,
               f.t, f.block, f.started_at, c.session_id is not null as converts
        from firsts f left join converted c using (session_id)
        order by f.t, f.started_at, session
        """,
    )
    bounds = np.searchsorted(firsts["t"], np.arange(tl.days + 1))
    parts = []
    for t in range(tl.days):
        rng = day_rng(context, AREA, S_ASSIGNMENTS, t)
        day = {k: v[bounds[t] : bounds[t + 1]] for k, v in firsts.items()}
        n = len(day["visitor"])
        rate = day["converts"].mean() if n else 0.0
        for j in range(PER_BLOCK):
            number = PER_BLOCK * (t // BLOCK_DAYS) + 1 + j
            _, _, _, if_converts, share = TEMPLATES[(number - 1) % len(TEMPLATES)]
            if if_converts is None:
                p = np.full(n, share)
            else:
                otherwise = (share - if_converts * rate) / max(1 - rate, 1e-9)
                p = np.where(day["converts"], if_converts, otherwise)
            parts.append(
                {
                    "assignment_id": np.strings.add(
                        f"{EXPERIMENT_ID.text(np.array([number]))[0]}-",
                        day["visitor"].astype(str),
                    ),
                    "experiment_id": np.full(n, number),
                    "visitor_id": day["visitor"],
                    "variant": (rng.random(n) < p).astype(int),
                    "session_id": day["session"],
                    "assigned_at": day["started_at"],
                    "t": np.full(n, t),
                }
            )
    return stack(parts)


CODECS: dict[str, dict[str, Codec]] = {
    "experiments": {
        "experiment_id": EXPERIMENT_ID,
        "experiment_name": Text(),
        "page": Text(),
        "variants": Text(),
        "planned_treatment_share": Money(),
        "primary_metric": Label(PRIMARY_METRICS),
        "status": Label(EXPERIMENT_STATUSES),
        "started_at": Timestamp(),
        "planned_end_date": Day(),
        "ended_at": Timestamp(),
        "updated_at": Timestamp(),
    },
    "experiment_assignments": {
        "assignment_id": Text(),
        "experiment_id": EXPERIMENT_ID,
        "visitor_id": Text(),
        "variant": Label(VARIANTS),
        "session_id": Ident("S", 9),
        "assigned_at": Timestamp(),
    },
}


def write(context: AreaContext) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    tl = timeline(context)
    con = landing_connection(context, ("web_sessions", "orders"))
    tables = {
        "experiments": _experiments(context, tl),
        "experiment_assignments": _assignments(context, tl, con),
    }
    con.close()
    written = {}
    with LandingWriter(context.out_dir) as writer:
        for name, columns in tables.items():
            written[name] = write_days(writer, context, name, columns["t"], columns, CODECS[name])
    context.progress(
        "experiments: " + ", ".join(f"{name} {rows:,}" for name, (rows, _) in written.items())
    )
    return written
