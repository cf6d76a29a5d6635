"""opspulse init: a new company's home from nothing, and safe to run again."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from opspulse import catalogue, cli
from opspulse.nightly import DUCKDB_POOL
from opspulse.reports.recipients import load_recipients

PASSWORD = "pw-Never-In-A-File-7c1"


@dataclass
class Inits:
    home: Path
    env: dict[str, str]
    first: subprocess.CompletedProcess
    second: subprocess.CompletedProcess
    edited: dict[str, bytes]
    """The config files after the company edited company.toml, before the second init."""
    rows_before: tuple
    rows_after: tuple


def opspulse(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "opspulse.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def metadata_rows(home: Path) -> tuple:
    con = sqlite3.connect(f"file:{home / 'airflow' / 'airflow.db'}?mode=ro", uri=True)
    try:
        pools = con.execute("select pool, slots from slot_pool order by pool").fetchall()
        conns = con.execute(
            "select conn_id, conn_type, host, port, login, password, is_encrypted, extra "
            "from connection"
        ).fetchall()
    finally:
        con.close()
    return pools, conns


@pytest.fixture(scope="module")
def inits(tmp_path_factory) -> Inits:
    home = tmp_path_factory.mktemp("init") / "home"
    for source, day in (("orders", "2018-03-01"), ("customers", "2018-03-02")):
        (home / "landing" / source / day).mkdir(parents=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSPULSE_", "AIRFLOW_", "AIRFLOW__"))
    }
    env["OPSPULSE_HOME"] = str(home)
    smtp = {
        "OPSPULSE_SMTP_HOST": "smtp.example.invalid",
        "OPSPULSE_SMTP_PORT": "2525",
        "OPSPULSE_SMTP_USER": "opspulse",
        "OPSPULSE_SMTP_PASSWORD": PASSWORD,
    }
    options = ["--name", "Loja Exemplo", "--timezone", "America/Sao_Paulo"]
    options += ["--currency", "BRL", "--locale", "pt_BR"]
    first = opspulse(["init", *options], {**env, **smtp})
    assert first.returncode == 0, first.stdout + first.stderr
    company = home / "config" / "company.toml"
    company.write_text(company.read_text().replace("Loja Exemplo", "Loja Editada"))
    edited = {p.name: p.read_bytes() for p in (home / "config").iterdir()}
    rows_before = metadata_rows(home)
    second = opspulse(["init", "--timezone", "Europe/Lisbon"], env)
    assert second.returncode == 0, second.stdout + second.stderr
    return Inits(home, env, first, second, edited, rows_before, metadata_rows(home))


def test_init_writes_the_company_files(inits):
    config = inits.home / "config"
    company = tomllib.loads((config / "company.toml").read_text())
    assert company["company"] == {
        "name": "Loja Editada",
        "timezone": "America/Sao_Paulo",
        "currency": "BRL",
        "locale": "pt_BR",
        "start_date": "2018-03-01",  # the first landing day: no --start-date given
    }
    assert set(company["sources"]) == {"orders", "customers"}
    recipients = load_recipients(config / "recipients.toml")
    assert set(recipients.roles) == {r.name for r in catalogue.ROLES}
    addresses = [*recipients.data_team, *(a for v in recipients.roles.values() for a in v)]
    assert addresses and all(a.endswith("@example.invalid") for a in addresses)
    assert "REPLACE EVERY example.invalid" in (config / "recipients.toml").read_text()
    assert (config / "targets.csv").read_text() == "role,kpi,period,target\n"
    for name in ("landing", "airflow", "warehouse", "outbox"):
        assert (inits.home / name).is_dir()
    assert str(config / "recipients.toml") in inits.first.stdout
    assert "opspulse run" in inits.first.stdout


def test_init_keeps_its_secrets_private(inits):
    import stat

    salt_file = inits.home / "secrets" / "email_hash_salt"
    salt = salt_file.read_text().strip()
    assert len(salt) == 64
    assert f"{salt_file}  (written)" in inits.first.stdout
    for run in (inits.first, inits.second):
        assert salt not in run.stdout + run.stderr
    assert not (inits.home / "config" / "email_hash_salt").exists()  # never with the config
    for path in (salt_file, inits.home / "airflow" / "passwords.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    cfg_file = inits.home / "airflow" / "airflow.cfg"
    if cfg_file.exists():  # the Fernet key
        assert stat.S_IMODE(cfg_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((inits.home / "airflow").stat().st_mode) == 0o700


def test_init_creates_the_pool_and_the_smtp_connection(inits):
    pools = opspulse(["airflow", "pools", "get", DUCKDB_POOL, "-o", "json"], inits.env)
    assert pools.returncode == 0, pools.stderr
    assert json.loads(pools.stdout[pools.stdout.index("[") :])[0]["slots"] == "1"
    _, conns = inits.rows_before
    [(conn_id, conn_type, host, port, login, password, encrypted, extra)] = conns
    assert (conn_id, conn_type, host, port, login) == (
        "opspulse_smtp",
        "smtp",
        "smtp.example.invalid",
        2525,
        "opspulse",
    )
    assert encrypted and password and PASSWORD not in password  # Fernet-encrypted
    assert "created" in inits.first.stdout and "OPSPULSE_SMTP_HOST" in inits.first.stdout


def test_the_password_is_never_written_to_a_file_nor_printed(inits):
    for run in (inits.first, inits.second):
        assert PASSWORD not in run.stdout + run.stderr
    for path in inits.home.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_second_init_changes_nothing_and_keeps_the_edited_company_file(inits):
    config = inits.home / "config"
    assert {p.name: p.read_bytes() for p in config.iterdir()} == inits.edited
    assert inits.rows_after == inits.rows_before
    out = inits.second.stdout
    assert out.count("(kept)") == 4 and "(written)" not in out  # 3 config files, the salt
    assert "--timezone changed nothing" in out
    assert "pool opspulse_duckdb (1 slot): unchanged" in out
    assert "SMTP connection: kept" in out


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timezone", "Mars/Olympus_Mons"),
        ("--currency", "XYZ"),
        ("--currency", "Euro"),
        ("--locale", "xx_YY"),
    ],
)
def test_an_invalid_setting_fails_naming_it(tmp_path, monkeypatch, capsys, option, value):
    monkeypatch.setenv("OPSPULSE_HOME", str(tmp_path / "home"))
    assert cli.main(["init", option, value]) == 1
    err = capsys.readouterr().err
    assert f"opspulse init {option}: " in err and repr(value) in err
    assert not (tmp_path / "home").exists()  # nothing was set up


def test_a_start_date_must_be_a_date(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPSPULSE_HOME", str(tmp_path / "home"))
    with pytest.raises(SystemExit):
        cli.main(["init", "--start-date", "2018-02-30"])
    assert "--start-date" in capsys.readouterr().err


def test_init_without_smtp_settings_says_what_to_set(tmp_path, monkeypatch):
    from opspulse import home

    for key in ("OPSPULSE_SMTP_HOST", "AIRFLOW_CONN_OPSPULSE_SMTP"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OPSPULSE_HOME", str(tmp_path / "home"))
    report = home.init(home.Company(start_date=date(2018, 1, 1)))
    assert report.connection == "absent"
    text = "\n".join(report.describe())
    assert "SMTP connection: NOT SET" in text and "OPSPULSE_SMTP_HOST" in text
    from opspulse import settings

    with pytest.raises(home.HomeNotReady, match="no SMTP connection"):
        home.check_ready(settings.load())
