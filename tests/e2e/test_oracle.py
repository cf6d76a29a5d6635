"""The independent oracle: each role's headline KPIs recomputed from the landing files in
plain Python (``oracle/<role>.py``) equal the published marts for the day the run reported.
"""

from __future__ import annotations

import importlib
import math
from decimal import Decimal

import duckdb
import pytest
from oracle.landing import Landing

from opspulse.reports.roles import ROLE_NAMES, ROLES

pytestmark = pytest.mark.e2e

NOT_FROM_LANDING = {"data": "reports on the pipeline's own records, not on business data"}
"""Roles whose KPIs cannot be recomputed from landing files."""


@pytest.fixture(scope="module")
def landing(world) -> Landing:
    return Landing(world.cfg.landing_dir, until=world.day)


def _published_row(world, mart: str) -> dict:
    with duckdb.connect(str(world.cfg.marts_db), read_only=True) as con:
        cursor = con.execute(f'select * from marts."{mart}" where report_date = ?', [world.day])
        row = cursor.fetchone()
        assert row is not None, f"{mart} has no row for {world.day}"
        return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _equal(expected, published) -> bool:
    if expected is None or published is None:
        return expected is None and published is None
    if isinstance(expected, str) or isinstance(published, str):
        return expected == published
    return math.isclose(float(expected), float(published), rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r not in NOT_FROM_LANDING])
def test_headline_kpis_match_a_plain_python_recomputation(world, landing, role: str) -> None:
    oracle = importlib.import_module(f"oracle.{role}")
    expected = oracle.headline(landing, world.day)
    headline = {tile.column for tile in ROLES[role].tiles}
    assert len(expected.keys() & headline) >= 3, f"the oracle covers too few of {headline}"
    published = _published_row(world, ROLES[role].mart)
    mismatches = {
        kpi: (value, published.get(kpi))
        for kpi, value in expected.items()
        if not _equal(value, published.get(kpi))
    }
    assert not mismatches, f"{role} on {world.day}: (oracle, published) {mismatches}"
    assert any(v not in (None, 0, Decimal(0)) for v in expected.values()), (
        f"{role}: every oracle value is empty; the test world exercises nothing"
    )
