"""End to end: the nightly DAG through `airflow dags test`, real SMTP on 127.0.0.1.

The world and its runs (five clean nights, a re-run, a defect) are the session fixture
``world`` of ``conftest.py``.
"""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from e2e_world import DAY, NEXT_DAY, NIGHTS, Run

from opspulse.reports.roles import ROLE_NAMES

pytestmark = pytest.mark.e2e

STAKEHOLDER_ROLES = ROLE_NAMES


def read_mail(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def mails_to(run: Run, address_part: str) -> list[email.message.EmailMessage]:
    return [m for m in map(read_mail, run.new_mail) if address_part in str(m["To"])]


def role_of(message) -> str:
    from opspulse.reports.roles import ROLES

    subject = str(message["Subject"])
    matches = [name for name, role in ROLES.items() if f" {role.title} · " in subject]
    assert len(matches) == 1, subject
    return matches[0]


@pytest.mark.parametrize("night", range(1, len(NIGHTS) + 1))
def test_each_night_publishes_its_day_and_emails_every_role_once(world, night):
    run = world.runs[f"night{night}"]
    assert run.code == 0, run.log[-5000:]
    assert run.published_ds == run.day == NIGHTS[night - 1]
    messages = [read_mail(m) for m in run.new_mail]
    assert sorted(role_of(m) for m in messages) == sorted(STAKEHOLDER_ROLES)
    day_text = run.day.strftime("%d %b %Y").lstrip("0")
    assert all(day_text in str(m["Subject"]) for m in messages)
    assert not any("RESTATED" in str(m["Subject"]) for m in messages)


def test_each_role_email_arrives_with_the_published_numbers(world):
    from opspulse.reports.formatting import format_value
    from opspulse.reports.roles import ROLES

    run = world.runs["late"]  # the newest day published
    messages = [m for m in map(read_mail, run.new_mail) if "ALERT" not in str(m["Subject"])]
    assert sorted(role_of(m) for m in messages) == sorted(STAKEHOLDER_ROLES)
    con = duckdb.connect(str(world.cfg.marts_db), read_only=True)
    try:
        for message in messages:
            role = ROLES[role_of(message)]
            assert message.is_multipart()
            text = message.get_body(("plain",)).get_content()
            html = message.get_body(("html",)).get_content()
            assert "@example.com" not in text.replace(str(message["To"]), "")
            if not role.restates:
                continue  # its mart now holds the re-run's records, not the first run's
            row = con.execute(
                f"select * from marts.{role.mart} where report_date = ?", [world.day]
            ).fetchone()
            columns = [d[0] for d in con.description]
            values = dict(zip(columns, row, strict=True))
            for tile in role.tiles:
                expected = format_value(values[tile.column], tile.kind)
                line = next(x for x in text.splitlines() if x.strip().startswith(tile.label + ":"))
                shown = line.split(":", 1)[1].strip().split(" (")[0]
                assert shown == expected, (role.name, tile.column, line)
                assert expected in html
    finally:
        con.close()


def test_published_marts_hold_no_customer_contact_data(world):
    con = duckdb.connect(str(world.cfg.marts_db), read_only=True)
    try:
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where schema_name <> 'meta' and not internal"
            ).fetchall()
        }
        assert not columns & {"email", "phone", "subject"}
        for schema, table, column in con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR' and not internal"
        ).fetchall():
            hits = con.execute(
                f'select count(*) from {schema}."{table}" where "{column}" like \'%@%\''
            ).fetchone()[0]
            assert hits == 0, f"{schema}.{table}.{column} holds email addresses"
    finally:
        con.close()


def test_rerunning_the_same_day_gives_identical_marts_and_no_second_email(world):
    first, rerun = world.runs["night5"], world.runs["rerun"]
    assert rerun.code == 0, rerun.log[-5000:]
    assert rerun.marts_fingerprint == first.marts_fingerprint
    assert rerun.new_mail == []


def kind_of(message) -> str:
    return str(message["X-Opspulse-Kind"] or "")


def test_a_defect_publishes_nothing_alerts_the_data_team_and_tells_each_role(world):
    before, run = world.runs["rerun"], world.runs["defect"]
    assert run.code != 0, "the CLI exits non-zero when the gate fails the run"
    assert run.published_ds == DAY
    assert run.marts_fingerprint == before.marts_fingerprint
    messages = [read_mail(m) for m in run.new_mail]
    (alert,) = [m for m in messages if kind_of(m) == "alert"]
    assert "data-team@example.com" in str(alert["To"])
    text = alert.get_body(("plain",)).get_content()
    assert NEXT_DAY.strftime("%d %b %Y").lstrip("0") in str(alert["Subject"]) + text
    assert "customer_id" in text
    assert "raw_orders" in text or "orders" in text
    notices = [m for m in messages if m is not alert]
    assert sorted(m["X-Opspulse-Role"] for m in notices) == sorted(STAKEHOLDER_ROLES)
    assert {kind_of(m) for m in notices} == {"delayed"}
    assert all(str(m["Subject"]).endswith("is delayed") for m in notices)
    assert all("quality checks" in m.get_body(("plain",)).get_content() for m in notices)


def test_once_the_day_publishes_each_roles_report_follows_its_notice(world):
    run = world.runs["late"]
    assert run.code == 0, run.log[-5000:]
    assert run.published_ds == NEXT_DAY
    messages = [read_mail(m) for m in run.new_mail]
    assert sorted(role_of(m) for m in messages) == sorted(STAKEHOLDER_ROLES)
    assert {kind_of(m) for m in messages} == {"report"}
    assert not any("RESTATED" in str(m["Subject"]) for m in messages)


def _rows_by_table(path: Path) -> dict[str, set]:
    """Each published business table's rows (values rounded as in the fingerprint)."""
    from e2e_world import PIPELINE_RECORDS, _stable

    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name <> 'meta' and not ({PIPELINE_RECORDS}) order by 1, 2"
        ).fetchall()
        out = {}
        for schema, table in tables:
            cursor = con.execute(f'select * from {schema}."{table}"')
            columns = [d[0] for d in cursor.description]
            out[table] = {
                tuple(zip(columns, map(_stable, row), strict=True)) for row in cursor.fetchall()
            }
        return out


def test_a_backfilled_day_keeps_the_publication_and_sends_only_restatements(world):
    """A history run (a day older than the published one): the publication stays as of the
    newest day, no report goes out again as it was; a role whose numbers for that day changed
    since its report (late rows loaded by the nights after it) gets one restatement; and only
    the days the run recomputes (the day and its lookback window) may change."""
    from opspulse.reports.roles import ROLES
    from opspulse.warehouse.publish import publication

    run = world.runs["backfill"]
    assert run.code == 0, run.log[-5000:]
    assert run.day < run.published_ds == NEXT_DAY
    messages = [read_mail(m) for m in run.new_mail]
    assert {kind_of(m) for m in messages} <= {"restatement"}
    restated = [role_of(m) for m in messages]
    assert len(restated) == len(set(restated))
    assert all(ROLES[r].restates for r in restated)
    day_text = run.day.strftime("%d %b %Y").lstrip("0")
    assert all(str(m["Subject"]).startswith("RESTATED") for m in messages)
    assert all(day_text in str(m["Subject"]) for m in messages)
    current = publication(world.cfg)
    assert (current.ds, current.run_ds) == (NEXT_DAY, run.day)

    home = world.cfg.home
    old = _rows_by_table(home / "marts-after-late.duckdb")
    new = _rows_by_table(home / "marts-after-backfill.duckdb")
    assert old.keys() == new.keys()
    window = {run.day - timedelta(days=n) for n in range(world.cfg.lookback_days + 1)}
    for table in old:
        changed = old[table] ^ new[table]
        outside = [row for row in changed if dict(row).get("report_date") not in window]
        assert not outside, f"{table}: rows outside {sorted(window)} changed: {outside[:2]}"


def test_every_check_of_every_run_is_stored(world):
    con = duckdb.connect(str(world.cfg.build_db), read_only=True)
    try:
        rows = dict(
            con.execute("select success, count(*) from quality.results group by all").fetchall()
        )
        failed = con.execute(
            "select column_name, unexpected_count from quality.results "
            "where not success and severity = 'critical' and table_name like '%orders'"
        ).fetchall()
    finally:
        con.close()
    assert rows[True] > 50
    assert ("customer_id", 3) in failed
