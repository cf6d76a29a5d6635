"""The quality thresholds: defined once, overridable per company, read by the suites."""

from __future__ import annotations

from pathlib import Path

import pytest

from opspulse import settings as settings_mod
from opspulse.quality import audit, suites, thresholds

DOCS = Path(__file__).resolve().parents[2] / "docs" / "thresholds.md"


def _company(tmp_path: Path, body: str, monkeypatch) -> Path:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "company.toml").write_text(body)
    monkeypatch.setenv("OPSPULSE_CONFIG_DIR", str(config))
    return config / "company.toml"


def test_every_threshold_has_a_default_a_unit_and_a_sentence() -> None:
    for f in thresholds.THRESHOLDS:
        assert isinstance(f.default, int | float), f.name
        assert f.metadata["unit"], f.name
        assert f.metadata["description"].endswith("."), f.name


def test_company_file_overrides_a_threshold(tmp_path, monkeypatch) -> None:
    _company(tmp_path, "[thresholds]\nmax_units_per_line = 100000\n", monkeypatch)
    limits = thresholds.for_company()
    assert limits.max_units_per_line == 100000
    assert limits.max_ship_to_deliver_days == thresholds.DEFAULTS.max_ship_to_deliver_days


def test_unknown_threshold_names_the_file_and_the_known_names(tmp_path, monkeypatch) -> None:
    path = _company(tmp_path, "[thresholds]\nmax_delivery_dayz = 200\n", monkeypatch)
    with pytest.raises(settings_mod.SettingsError) as error:
        thresholds.for_company()
    message = str(error.value)
    assert str(path) in message
    assert "max_delivery_dayz" in message
    assert all(name in message for name in thresholds.NAMES)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("ledger_settlement_lag_days = 1.5", "expected whole days"),
        ("max_units_per_line = -1", "is negative"),
    ],
)
def test_impossible_threshold_values_are_refused(tmp_path, monkeypatch, body, complaint) -> None:
    _company(tmp_path, f"[thresholds]\n{body}\n", monkeypatch)
    with pytest.raises(settings_mod.SettingsError, match=complaint):
        thresholds.for_company()


def test_suites_read_the_company_thresholds(tmp_path, monkeypatch) -> None:
    def quantity_limit() -> float:
        suite = suites.suite_specs("raw")["order_items"].suite
        (limit,) = [
            e.configuration.kwargs["max_value"]
            for e in suite.expectations
            if e.meta.get("threshold") == "max_units_per_line"
        ]
        return limit

    assert quantity_limit() == 1000
    _company(tmp_path, "[thresholds]\nmax_units_per_line = 100000\n", monkeypatch)
    assert quantity_limit() == 100000


def _wholesale_batch(build_db, ds) -> Path:
    return build_db(
        ["order_items"],
        sql=["update raw.order_items set quantity = 80000 where order_item_id = 'order_item_id-3'"],
    )


def test_a_wholesale_line_warns_and_shows_it(build_db, ds) -> None:
    report = audit("raw", db_path=_wholesale_batch(build_db, ds), ds=ds, run_id="w", tables=["order_items"])  # fmt: skip
    assert report.passed, report.summary()
    (failure,) = report.failures
    assert (failure.column, failure.severity, failure.unexpected_count) == (
        "quantity",
        "warning",
        1,
    )
    assert "80000" in (failure.observed or "")


def test_a_wholesaler_sets_its_own_line_limit(build_db, ds, tmp_path, monkeypatch) -> None:
    path = _wholesale_batch(build_db, ds)
    _company(tmp_path, "[thresholds]\nmax_units_per_line = 100000\n", monkeypatch)
    report = audit("raw", db_path=path, ds=ds, run_id="w", tables=["order_items"])
    assert report.failures == [], report.summary()


def test_docs_table_is_current() -> None:
    """docs/thresholds.md is written by ``thresholds.markdown_page()``."""
    assert DOCS.read_text(encoding="utf-8") == thresholds.markdown_page()
    for name in thresholds.NAMES:
        assert f"`{name}`" in thresholds.markdown_table()


def test_settlement_lag_beyond_the_lookback_is_refused(tmp_path, monkeypatch) -> None:
    _company(tmp_path, "[thresholds]\nledger_settlement_lag_days = 5\n", monkeypatch)
    monkeypatch.setenv("OPSPULSE_LOOKBACK_DAYS", "3")
    with pytest.raises(settings_mod.SettingsError, match="exceeds the lookback"):
        thresholds.for_company()
