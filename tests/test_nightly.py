"""load_sources fails when a run would process nothing, and only then."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from airflow.sdk.exceptions import AirflowFailException

from opspulse import nightly
from opspulse.sources import contracts

DAY = date(2018, 3, 5)


def land_orders(cfg, day: date, rows: int) -> None:
    columns = contracts.get("orders").column_names
    values = {c: "" for c in columns} | {
        "customer_id": "C1",
        "ordered_at": f"{day} 10:00:00",
        "status": "placed",
        "sales_channel": "web",
        "discount_amount": "0.00",
        "promised_delivery_date": str(day + timedelta(days=4)),
        "updated_at": f"{day} 10:00:00",
    }
    lines = [",".join(columns)]
    for i in range(rows):
        lines.append(",".join({**values, "order_id": f"O{day:%d}{i}"}[c] for c in columns))
    folder = cfg.landing_dir / "orders" / day.isoformat()
    folder.mkdir(parents=True)
    (folder / "orders.csv").write_text("\n".join(lines) + "\n")


def test_a_home_without_any_landing_file_fails_naming_the_folder(opspulse_home):
    with pytest.raises(AirflowFailException, match="no landing file for 2018-03-05") as err:
        nightly.load_sources(DAY, "run-1")
    assert str(opspulse_home.landing_dir) in str(err.value)
    assert "does not exist" in str(err.value)


def test_a_day_never_delivered_fails_and_names_the_latest_day(opspulse_home):
    land_orders(opspulse_home, DAY, rows=2)
    nightly.load_sources(DAY, "run-1")
    later = DAY + timedelta(days=2)
    with pytest.raises(AirflowFailException, match="no source has a file for that day") as err:
        nightly.load_sources(later, "run-2")
    assert f"{opspulse_home.landing_dir}/<source>/{later}/" in str(err.value)
    assert f"latest day delivered is {DAY}" in str(err.value)


def test_a_rerun_of_a_loaded_day_is_not_nothing(opspulse_home):
    land_orders(opspulse_home, DAY, rows=2)
    first = nightly.load_sources(DAY, "run-1")
    again = nightly.load_sources(DAY, "run-2")
    assert first["partitions_loaded"] == 1
    assert again["partitions_loaded"] == 0 and again["partitions_unchanged"] == 1


def test_an_empty_file_delivers_a_day_without_events(opspulse_home):
    land_orders(opspulse_home, DAY, rows=1)
    land_orders(opspulse_home, DAY + timedelta(days=1), rows=0)
    summary = nightly.load_sources(DAY + timedelta(days=1), "run-1")
    assert summary["partitions_loaded"] == 2


@pytest.mark.parametrize(
    ("statuses", "raised"),
    [
        (["fail"], AirflowFailException),  # a failed dbt data test: a retry fails the same way
        (["fail", "error"], "DbtFailed"),  # a model error may be transient: Airflow retries
    ],
)
def test_failed_dbt_tests_are_not_retried_but_model_errors_are(
    opspulse_home, monkeypatch, statuses, raised
):
    from opspulse.warehouse import transform

    def failing_build(args, settings):
        failures = [{"unique_id": f"x.{s}", "status": s, "message": ""} for s in statuses]
        raise transform.DbtFailed("dbt build failed (exit 1)", failures)

    monkeypatch.setattr(transform, "run_dbt", failing_build)
    expected = transform.DbtFailed if raised == "DbtFailed" else raised
    with pytest.raises(expected) as err:
        nightly.build_marts(DAY, "run-1")
    assert type(err.value) is expected


@pytest.mark.parametrize(("retryable", "raised"), [(True, "ReportsNotSent"), (False, "fail")])
def test_send_reports_fails_at_once_on_a_permanent_smtp_failure(
    opspulse_home, monkeypatch, retryable, raised
):
    from types import SimpleNamespace

    from opspulse.reports import mailer

    answer = "451 4.3.0 try later" if retryable else "554 5.7.1 rejected"
    failed = mailer.RoleResult("sales", "failed", error=answer, retryable=retryable)

    def failing_send(ds, **kwargs):
        raise mailer.ReportsNotSent(mailer.SendSummary(ds=DAY, results=(failed,)))

    monkeypatch.setattr(mailer, "send_reports", failing_send)
    monkeypatch.setattr(nightly, "_plan", lambda cfg: SimpleNamespace(active_roles=["sales"]))
    expected = mailer.ReportsNotSent if raised == "ReportsNotSent" else AirflowFailException
    with pytest.raises(expected, match=answer.split()[0]) as err:
        nightly.send_reports(DAY, "run-1")
    assert type(err.value) is expected


def test_alert_data_team_sends_nothing_without_a_failed_check(opspulse_home):
    # the failed task's own notifier named it; "Reports withheld" is for the quality gate
    assert nightly.alert_data_team(DAY, "run-1") == {"failures": 0, "outcome": "skipped"}
