"""End to end: the nightly DAG through `airflow dags test`, real SMTP on 127.0.0.1.

One small demo world, three runs of the real DAG in a real Airflow (SQLite metadata):

1. a clean first run for day D (loads the whole history, publishes, emails every role);
2. the same day again (nothing reloaded, identical marts, no second email);
3. day D+1 with a defect planted in its orders file (null customer ids): the raw gate
   fails, nothing new is published, no stakeholder email, the data team is alerted.
"""

from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import subprocess
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from opspulse import settings
from opspulse.airflow_env import airflow_env, airflow_executable
from opspulse.nightly import DUCKDB_POOL

pytestmark = pytest.mark.e2e

START, DAY = date(2026, 10, 20), date(2026, 11, 12)
NEXT_DAY = DAY + timedelta(days=1)
STAKEHOLDER_ROLES = ("ecommerce", "users")


@dataclass
class Run:
    code: int
    log: str
    new_mail: list[Path]
    marts_fingerprint: str | None
    published_ds: date | None


@dataclass
class World:
    cfg: settings.Settings
    runs: dict[str, Run] = field(default_factory=dict)


def marts_fingerprint(cfg) -> str | None:
    """A hash of every published table's content (publication metadata aside)."""
    if not cfg.marts_db.exists():
        return None
    con = duckdb.connect(str(cfg.marts_db), read_only=True)
    try:
        digest = hashlib.sha256()
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name <> 'meta' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            rows = con.execute(f'select * from {schema}."{table}" order by all').fetchall()
            digest.update(f"{schema}.{table}:{rows!r}".encode())
        return digest.hexdigest()
    finally:
        con.close()


def published_ds(cfg) -> date | None:
    from opspulse.warehouse.publish import published_ds as read

    return read(cfg)


def plant_null_customer_ids(cfg, day: date, rows_to_break: int = 3) -> None:
    path = cfg.landing_dir / "orders" / day.isoformat() / "orders.csv"
    with path.open(newline="") as fh:
        table = list(csv.reader(fh))
    column = table[0].index("customer_id")
    for row in table[1 : 1 + rows_to_break]:
        row[column] = ""
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    from opspulse.demo import generate
    from opspulse.reports.sink import start_sink

    home = tmp_path_factory.mktemp("e2e") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("OPSPULSE_HOME", str(home))
    cfg = settings.load()
    generate(START, NEXT_DAY, cfg.landing_dir, scale=0.05, seed=7)
    plant_null_customer_ids(cfg, NEXT_DAY)

    port = _free_port()
    env = airflow_env(cfg, smtp_port=port)
    cfg.airflow_home.mkdir(parents=True)
    for args in (["db", "migrate"], ["pools", "set", DUCKDB_POOL, "1", "duckdb"]):
        done = subprocess.run(
            [airflow_executable(), *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    sink = start_sink(cfg.outbox_dir, "127.0.0.1", port)
    result = World(cfg=cfg)
    try:
        for name, day in (("first", DAY), ("rerun", DAY), ("defect", NEXT_DAY)):
            before = set(cfg.outbox_dir.glob("*.eml"))
            logical = (day + timedelta(days=1)).isoformat()
            done = subprocess.run(
                [airflow_executable(), "dags", "test", "opspulse_nightly", logical],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            log_file = home / f"airflow-{name}.log"
            log_file.write_text(done.stdout + done.stderr)
            result.runs[name] = Run(
                code=done.returncode,
                log=done.stdout + done.stderr,
                new_mail=sorted(set(cfg.outbox_dir.glob("*.eml")) - before),
                marts_fingerprint=marts_fingerprint(cfg),
                published_ds=published_ds(cfg),
            )
    finally:
        sink.stop()
        mp.undo()
    return result


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def test_first_run_succeeds_and_publishes_the_day(world):
    run = world.runs["first"]
    assert run.code == 0, run.log[-5000:]
    assert run.published_ds == DAY


def test_each_role_email_arrives_with_the_published_numbers(world):
    from opspulse.reports.formatting import format_value
    from opspulse.reports.roles import ROLES

    run = world.runs["first"]
    messages = [m for m in map(read_mail, run.new_mail) if "data-team" not in str(m["To"])]
    assert sorted(role_of(m) for m in messages) == sorted(STAKEHOLDER_ROLES)
    con = duckdb.connect(str(world.cfg.marts_db), read_only=True)
    try:
        for message in messages:
            role = ROLES[role_of(message)]
            assert message.is_multipart()
            text = message.get_body(("plain",)).get_content()
            html = message.get_body(("html",)).get_content()
            row = con.execute(
                f"select * from marts.{role.mart} where report_date = ?", [DAY]
            ).fetchone()
            columns = [d[0] for d in con.description]
            values = dict(zip(columns, row, strict=True))
            for tile in role.tiles:
                expected = format_value(values[tile.column], tile.kind)
                line = next(x for x in text.splitlines() if x.strip().startswith(tile.label + ":"))
                shown = line.split(":", 1)[1].strip().split(" (")[0]
                assert shown == expected, (role.name, tile.column, line)
                assert expected in html
            assert "@example.com" not in text.replace(str(message["To"]), "")
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
    first, rerun = world.runs["first"], world.runs["rerun"]
    assert rerun.code == 0, rerun.log[-5000:]
    assert rerun.marts_fingerprint == first.marts_fingerprint
    assert rerun.new_mail == []


def test_a_defect_publishes_nothing_and_alerts_only_the_data_team(world):
    before, run = world.runs["rerun"], world.runs["defect"]
    assert run.code != 0, "the CLI exits non-zero when the gate fails the run"
    assert run.published_ds == DAY
    assert run.marts_fingerprint == before.marts_fingerprint
    assert len(run.new_mail) == 1
    alert = read_mail(run.new_mail[0])
    assert "data-team@example.com" in str(alert["To"])
    text = alert.get_body(("plain",)).get_content()
    assert NEXT_DAY.strftime("%d %b %Y").lstrip("0") in str(alert["Subject"]) + text
    assert "customer_id" in text
    assert "raw_orders" in text or "orders" in text


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
