"""The role catalogue: one table of roles and their sources, and everything that reads it."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from opspulse import catalogue, settings
from opspulse.quality import suites
from opspulse.reports.roles import ROLE_NAMES, ROLES
from opspulse.sources import contracts

REPO = Path(__file__).resolve().parents[1]
COMMERCE = ("customers", "products", "orders", "order_items", "payments", "reviews")


def _company(tmp_path, sources: dict[str, str]) -> settings.Settings:
    cfg = settings.load({"OPSPULSE_HOME": str(tmp_path)})
    return dataclasses.replace(cfg, source_cadence=sources)


def test_catalogue_lists_every_email_role_in_send_order():
    assert tuple(r.name for r in catalogue.ROLES) == ROLE_NAMES


def test_every_source_the_catalogue_names_is_in_the_contract():
    for role in catalogue.ROLES:
        for source in role.sources:
            assert source in contracts.SOURCES_BY_NAME, (role.name, source)
    for mart, needs in catalogue.MART_REQUIRES.items():
        assert set(needs) <= set(contracts.SOURCES_BY_NAME), mart


def test_role_sources_seed_is_the_catalogue():
    with (REPO / "dbt_project" / "seeds" / "role_sources.csv").open() as fh:
        seed = [(row["role"], row["source"]) for row in csv.DictReader(fh)]
    assert seed == [(r.name, s) for r in catalogue.ROLES for s in r.sources]


def test_every_mart_folder_belongs_to_one_role():
    folders = catalogue.report_marts_by_folder(REPO / "dbt_project")
    owned = [f for r in catalogue.ROLES for f in r.dbt_folders] + list(catalogue.CROSS_ROLE_FOLDERS)
    assert sorted(owned) == sorted(f for f, marts in folders.items() if marts)
    marts = {m for ms in folders.values() for m in ms}
    assert set(catalogue.MART_REQUIRES) <= marts


def test_each_email_reads_only_its_own_roles_marts():
    folders = catalogue.report_marts_by_folder(REPO / "dbt_project")
    for name, role in ROLES.items():
        own = {m for f in catalogue.get(name).dbt_folders for m in folders[f]}
        read = {m.removeprefix("marts.") for m in role.marts}
        assert read <= own, (name, read - own)


def test_every_mart_suite_guards_a_catalogued_mart():
    folders = catalogue.report_marts_by_folder(REPO / "dbt_project")
    marts = {m for ms in folders.values() for m in ms}
    assert set(suites.mart_specs()) <= marts


def test_a_commerce_only_company_gets_the_roles_its_sources_serve(tmp_path):
    plan = catalogue.plan(_company(tmp_path, dict.fromkeys(COMMERCE, "daily")))
    assert plan.active_roles == ("product", "process", "ecommerce", "data", "sales", "users")
    assert plan.status("website").reason == "needs web_sessions, not delivered"
    assert plan.status("finance").reason == "needs gl_entries, not delivered"
    assert plan.status("users").reason == "some KPIs n/a without support_tickets"  # CSAT
    excluded = plan.excluded_marts()
    assert {"rpt_website__daily", "rpt_finance__daily", "rpt_service__daily"} <= excluded
    assert "rpt_risk__daily" in excluded  # reads marts this company does not get
    assert not excluded & {"rpt_ecommerce__daily", "rpt_users__daily", "rpt_sales__daily"}
    assert "rpt_sales__reps" in excluded  # needs sales_reps
    assert "rpt_sales__reps+" in plan.dbt_exclude()


def test_the_demo_company_gets_every_role(tmp_path):
    plan = catalogue.plan(_company(tmp_path, {s.name: "daily" for s in contracts.SOURCES}))
    assert plan.active_roles == ROLE_NAMES
    assert plan.excluded_marts() == frozenset()
    assert plan.dbt_exclude() == []


def test_absent_sources_are_not_delivered(tmp_path):
    cfg = _company(tmp_path, {"orders": "daily", "order_items": "absent"})
    assert catalogue.delivered_sources(cfg) == {"orders"}


def test_without_a_sources_table_the_landing_folders_say_what_is_delivered(tmp_path):
    cfg = settings.load({"OPSPULSE_HOME": str(tmp_path)})
    for name in ("orders", "order_items", "not_a_source"):
        (cfg.landing_dir / name / "2026-01-01").mkdir(parents=True)
    assert catalogue.delivered_sources(cfg) == {"orders", "order_items"}


def test_an_unknown_source_in_the_company_file_is_named(tmp_path):
    with pytest.raises(settings.SettingsError, match="unknown source.*ordrs"):
        catalogue.delivered_sources(_company(tmp_path, {"ordrs": "daily"}))


def test_readme_shows_the_catalogue():
    assert catalogue.markdown_table() in (REPO / "README.md").read_text()
