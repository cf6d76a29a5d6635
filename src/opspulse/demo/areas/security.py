"""The demo company's security incidents and privacy requests.

Each day draws its own events from a generator seeded by the area seed and the day, so a
day's rows never depend on the length of the run.

* **security_incidents**: about 4 a month (Poisson 0.13 a day), 55 % low, 30 % medium,
  12 % high, 3 % critical; detected a lognormal number of hours after they occurred (faster
  for severe ones) and resolved hours to days later; data leaks and unauthorised access
  expose personal records. Written when detected (``open``) and when resolved.
* **privacy_requests**: about 9 a month per 10,000 customers (at least 0.3 a day), from
  customers who exist that day; due in 30 days (opt-outs in 10); most are completed well
  before, 7 % late. Written when received (``open``) and when completed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from opspulse.demo.areas.landing import days_of, open_world, write_relation_days
from opspulse.demo.writer import LandingWriter
from opspulse.sources.areas.security import INCIDENT_CATEGORIES, PRIVACY_REQUEST_TYPES, SEVERITIES
from opspulse.sources.contracts import SOURCES_BY_NAME

AREA = "security"
INCIDENTS_PER_DAY = 0.13
SEVERITY_SHARES = (0.55, 0.30, 0.12, 0.03)
DETECT_HOURS = (30.0, 16.0, 6.0, 2.0)
RESOLVE_HOURS = (48.0, 30.0, 14.0, 8.0)
CATEGORY_SHARES = (0.3, 0.15, 0.15, 0.1, 0.2, 0.1)
REQUESTS_PER_CUSTOMER_DAY = 0.0003
REQUEST_SHARES = (0.35, 0.25, 0.10, 0.30)
DUE_DAYS = (30, 30, 30, 10)
LATE_SHARE = 0.07


def _ts(values: list[datetime]) -> pa.Array:
    return pa.array(values, pa.timestamp("s"))


def _incidents(context) -> pa.Table:
    seed = context.rng_seed(AREA)
    rows: dict[str, list] = {
        k: []
        for k in (
            "ds",
            "incident_id",
            "category",
            "severity",
            "status",
            "occurred_at",
            "detected_at",
            "resolved_at",
            "personal_records_affected",
            "updated_at",
        )
    }
    for day in days_of(context):
        rng = np.random.default_rng([seed, day.toordinal(), 1])
        n = int(rng.poisson(INCIDENTS_PER_DAY))
        severity = rng.choice(len(SEVERITIES), n, p=SEVERITY_SHARES)
        category = rng.choice(len(INCIDENT_CATEGORIES), n, p=CATEGORY_SHARES)
        detected = rng.integers(0, 86_400, n)
        detect_h = rng.lognormal(np.log(np.take(DETECT_HOURS, severity)), 0.8)
        resolve_h = rng.lognormal(np.log(np.take(RESOLVE_HOURS, severity)), 0.8)
        exposes = np.isin(category, [2, 3])
        records = np.where(exposes, rng.lognormal(np.log(20.0) + 1.5 * severity, 1.0), 0).astype(
            np.int64
        )
        midnight = datetime.combine(day, datetime.min.time())
        for j in range(n):  # a handful a month
            at = midnight + timedelta(seconds=int(detected[j]))
            done = at + timedelta(seconds=int(resolve_h[j] * 3600))
            base = {
                "incident_id": f"INC-{day:%Y%m%d}-{j + 1:02d}",
                "category": INCIDENT_CATEGORIES[category[j]],
                "severity": SEVERITIES[severity[j]],
                "occurred_at": at - timedelta(seconds=int(detect_h[j] * 3600)),
                "detected_at": at,
                "personal_records_affected": int(records[j]),
            }
            versions = (
                [(day, "resolved", done, done)]
                if done.date() == day
                else [(day, "open", None, at), (done.date(), "resolved", done, done)]
            )
            for ds, status, resolved, updated in versions:
                for k, v in {
                    **base,
                    "ds": ds,
                    "status": status,
                    "resolved_at": resolved,
                    "updated_at": updated,
                }.items():
                    rows[k].append(v)
    return pa.table(
        {
            **{
                k: pa.array(v, pa.string())
                for k, v in rows.items()
                if k in ("incident_id", "category", "severity", "status")
            },
            "ds": pa.array(rows["ds"], pa.date32()),
            **{
                k: _ts(rows[k]) for k in ("occurred_at", "detected_at", "resolved_at", "updated_at")
            },
            "personal_records_affected": pa.array(rows["personal_records_affected"], pa.int64()),
        }
    )


def _requests(context, con) -> pa.Table:
    seed = context.rng_seed(AREA)
    customers = con.execute(
        "select customer_id, min(created_at) as created_at from customers group by all "
        "order by created_at, customer_id"
    ).fetchnumpy()
    ids = np.asarray(customers["customer_id"], dtype=object)
    created = np.asarray(customers["created_at"]).astype("datetime64[s]")
    parts = []
    for day in days_of(context):
        rng = np.random.default_rng([seed, day.toordinal(), 2])
        midnight = np.datetime64(day, "s")
        known = int(np.searchsorted(created, midnight, side="left"))
        n = int(rng.poisson(max(known * REQUESTS_PER_CUSTOMER_DAY, 0.3))) if known else 0
        kind = rng.choice(len(PRIVACY_REQUEST_TYPES), n, p=REQUEST_SHARES)
        who = rng.integers(0, max(known, 1), n)
        received = midnight + rng.integers(0, 86_400, n)
        due = np.datetime64(day, "D") + np.take(DUE_DAYS, kind)
        late = rng.random(n) < LATE_SHARE
        days = np.where(
            late,
            np.take(DUE_DAYS, kind) + rng.integers(1, 12, n),
            rng.integers(0, 1, n) + (rng.random(n) * 0.8 * np.take(DUE_DAYS, kind)),
        )
        completed = received + (days * 86_400).astype(np.int64) + rng.integers(0, 3_600, n)
        parts.append(
            (day, n, kind, ids[who] if n else np.zeros(0, object), received, due, completed)
        )
    out = {
        k: []
        for k in (
            "ds",
            "request_id",
            "customer_id",
            "request_type",
            "status",
            "received_at",
            "due_date",
            "completed_at",
            "updated_at",
        )
    }
    for day, n, kind, who, received, due, completed in parts:
        rid = [f"PR-{day:%Y%m%d}-{j + 1:03d}" for j in range(n)]
        same = completed.astype("datetime64[D]") == np.datetime64(day, "D")
        for opened in (True, False):
            pick = ~same if opened else np.ones(n, bool)
            k = np.flatnonzero(pick)
            out["ds"] += list((completed[k] if not opened else received[k]).astype("datetime64[D]"))
            out["request_id"] += [rid[j] for j in k]
            out["customer_id"] += list(who[k])
            out["request_type"] += [PRIVACY_REQUEST_TYPES[j] for j in kind[k]]
            out["status"] += ["open" if opened else "completed"] * len(k)
            out["received_at"] += list(received[k])
            out["due_date"] += list(due[k])
            out["completed_at"] += [None] * len(k) if opened else list(completed[k])
            out["updated_at"] += list(received[k] if opened else completed[k])
    return pa.table(
        {
            "ds": pa.array(np.array(out["ds"], "datetime64[D]")),
            **{
                k: pa.array(out[k], pa.string())
                for k in ("request_id", "customer_id", "request_type", "status")
            },
            "received_at": pa.array(np.array(out["received_at"], "datetime64[s]")),
            "due_date": pa.array(np.array(out["due_date"], "datetime64[D]")),
            "completed_at": pa.array(
                [
                    None if v is None else v.astype("datetime64[s]").item()
                    for v in out["completed_at"]
                ],
                pa.timestamp("s"),
            ),
            "updated_at": pa.array(np.array(out["updated_at"], "datetime64[s]")),
        }
    )


def write(context) -> dict[str, tuple[int, int]]:
    """Write this area's sources; returns rows and files written per source."""
    con = open_world(context, AREA)
    con.register("incidents_out", _incidents(context))
    con.register("requests_out", _requests(context, con))
    written = {}
    with LandingWriter(context.out_dir) as writer:
        written["security_incidents"] = write_relation_days(
            context,
            writer,
            SOURCES_BY_NAME["security_incidents"],
            con,
            "incidents_out",
            "incident_id",
        )
        written["privacy_requests"] = write_relation_days(
            context,
            writer,
            SOURCES_BY_NAME["privacy_requests"],
            con,
            "requests_out",
            "request_id",
        )
    con.close()
    context.progress(
        f"security: {written['security_incidents'][0]:,} incident records, "
        f"{written['privacy_requests'][0]:,} privacy request records"
    )
    return written
