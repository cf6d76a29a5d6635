"""A/B test results: every experiment's published statistics equal scipy's, computed from
the landing files in plain Python (not from the warehouse).

The definitions are those of ``rpt_experiments__results``: visitors are the assignments
made on or before the reported day; a visitor converts when an order of any status placed
on or before that day names the assignment session as its landing session.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import duckdb
import pytest
from oracle.landing import Landing
from scipy import stats

pytestmark = pytest.mark.e2e

ALPHA = 0.05
SRM_ALPHA = 0.001
REL_TOL = 1e-6
"""The mart's normal tail has a fractional error below 1.2e-7 (Numerical Recipes erfc), so
p-values are compared relatively, however small (scipy underflows to 0.0 below ~1e-308)."""


def _ratio(numerator: float, denominator: float) -> float | None:
    """NULL on a zero denominator, as the mart's safe_divide."""
    return numerator / denominator if denominator else None


def _comparison(n_c: int, c_c: int, n_t: int, c_t: int) -> dict:
    """Treatment versus control: lifts, unpooled 95 % CI and the pooled two-sided z-test."""
    p_c, p_t = c_c / n_c, c_t / n_t
    pooled = (c_c + c_t) / (n_c + n_t)
    z = _ratio(p_t - p_c, math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t)))
    half_width = stats.norm.ppf(0.975) * math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    return {
        "lift_abs": p_t - p_c,
        "lift_rel": _ratio(p_t - p_c, p_c),
        "lift_abs_ci_low": p_t - p_c - half_width,
        "lift_abs_ci_high": p_t - p_c + half_width,
        "z_score": z,
        "p_value": None if z is None else 2 * stats.norm.sf(abs(z)),
    }


def _verdict(comparison: dict, srm_p: float) -> str:
    if srm_p < SRM_ALPHA:
        return "srm"
    p_value = comparison["p_value"]
    if p_value is not None and p_value < ALPHA:
        return "winner" if comparison["lift_abs"] > 0 else "loser"
    return "inconclusive"


def expected_results(world: Landing, day: date) -> dict[tuple[str, str], dict]:
    """(experiment_id, variant) -> the statistics, as scipy computes them."""
    converting_sessions = {
        o["session_id"] for o in world.latest("orders").values() if o["ordered_at"].date() <= day
    }
    visitors: Counter[tuple[str, str]] = Counter()
    conversions: Counter[tuple[str, str]] = Counter()
    for a in world.latest("experiment_assignments").values():
        if a["assigned_at"].date() <= day:
            key = (a["experiment_id"], a["variant"])
            visitors[key] += 1
            conversions[key] += a["session_id"] in converting_sessions
    experiments = world.latest("experiments")
    out: dict[tuple[str, str], dict] = {}
    for experiment_id in sorted({e for e, _ in visitors}):
        control, treatment = (experiment_id, "control"), (experiment_id, "treatment")
        n_c, n_t = visitors[control], visitors[treatment]
        assert n_c and n_t, f"{experiment_id} lacks a variant: the test world is too small"
        share = float(experiments[(experiment_id,)]["planned_treatment_share"])
        chi2, srm_p = stats.chisquare(
            [n_c, n_t], f_exp=[(n_c + n_t) * (1 - share), (n_c + n_t) * share]
        )
        comparison = _comparison(n_c, conversions[control], n_t, conversions[treatment])
        common = {"srm_chi_square": chi2, "srm_p_value": srm_p, "is_srm": srm_p < SRM_ALPHA}
        for key, is_control in ((control, True), (treatment, False)):
            out[key] = {
                **common,
                "visitors": visitors[key],
                "conversions": conversions[key],
                "pct_conversion": conversions[key] / visitors[key],
                **(
                    dict.fromkeys(comparison) | {"verdict": None}
                    if is_control
                    else comparison | {"verdict": _verdict(comparison, srm_p)}
                ),
            }
    return out


def published_results(marts_db, day: date) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(marts_db), read_only=True) as con:
        cursor = con.execute("select * from rpt_experiments__results where report_date = ?", [day])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(r["experiment_id"], r["variant"]): r for r in rows}


def _equal(expected, published) -> bool:
    if expected is None or published is None:
        return expected is None and published is None
    if isinstance(expected, str | bool) or isinstance(published, str | bool):
        return expected == published
    return math.isclose(float(expected), float(published), rel_tol=REL_TOL, abs_tol=1e-300)


def mismatches(expected: dict, published: dict) -> dict:
    """(experiment, variant, column) -> (scipy, published) where they differ."""
    out: dict = {}
    for key in expected.keys() | published.keys():
        want, got = expected.get(key), published.get(key)
        if want is None or got is None:
            out[key] = (want, got)
            continue
        for column, value in want.items():
            if not _equal(value, got[column]):
                out[(*key, column)] = (value, got[column])
    return out


def test_experiment_statistics_match_scipy(world) -> None:
    landing = Landing(world.cfg.landing_dir, until=world.day)
    expected = expected_results(landing, world.day)
    assert expected, "the test world runs no experiment"
    published = published_results(world.cfg.marts_db, world.day)
    assert not mismatches(expected, published), mismatches(expected, published)
