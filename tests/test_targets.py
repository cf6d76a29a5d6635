"""The company's targets file: checked before dbt reads it, absent means no targets."""

from pathlib import Path

import pytest

from opspulse import settings, targets
from opspulse.settings import REPO_ROOT
from opspulse.warehouse.transform import dbt_env

HEADER = "role,kpi,period,target\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text(text, encoding="utf-8")
    return path


DBT_PROJECT = REPO_ROOT / "dbt_project"


def test_the_demo_company_ships_its_own_targets():
    rows = targets.check(REPO_ROOT / "config" / "targets.csv", targets.known_kpis(DBT_PROJECT))
    assert len(rows) == 55
    assert rows[0] == targets.Target("ecommerce", "net_sales", "daily", 38000.0, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "sales,net_sales,daily,100\necomerce,net_sales,daily,5\n",
            r"line 3: unknown role 'ecomerce'",
        ),
        (HEADER + "sales,net_sales,daily,1.000,50\n", r"line 2: 5 fields, expected 4"),
        (HEADER + "sales,net_sales,daily,lots\n", r"line 2: target 'lots' is not a number"),
        (HEADER + "sales,net_sales,daily,\n", r"line 2: target is empty"),
        (HEADER + "sales,net_sales,daily,nan\n", r"line 2: target 'nan' is not a number"),
        (HEADER + "sales,net_sales,yearly,5\n", r"line 2: period 'yearly'"),
        (HEADER + "sales, net_sales,daily,5\n", r"line 2: kpi ' net_sales' has spaces around it"),
        (HEADER + "sales,Net Sales,daily,5\n", r"line 2: kpi 'Net Sales' is not a column name"),
        (
            HEADER + "sales,net_sales,daily,5\n\nsales,net_sales,daily,6\n",
            r"line 4: a second daily target for sales\.net_sales \(the first is on line 2\)",
        ),
        ("role;kpi;period;target\n", r"line 1: header 'role;kpi;period;target'"),
        ("kpi,role,period,target\n", r"line 1: header"),
        ("", r"line 1: header ''"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(targets.TargetsError, match=rf"^{tmp_path}/targets\.csv, {message}"):
        targets.check(path)


def test_a_kpi_its_role_has_no_target_for_is_named_with_the_nearest_one(tmp_path):
    known = targets.known_kpis(DBT_PROJECT)
    path = write(tmp_path, HEADER + "sales,net_sales,daily,100\necommerce,net_sale,daily,5\n")
    assert len(targets.check(path)) == 2  # without the project: the shape only
    with pytest.raises(
        targets.TargetsError,
        match=r"line 3: rpt_ecommerce__daily has no KPI 'net_sale'; did you mean net_sales\? "
        r"the ecommerce KPIs that take a target: net_sales, valid_orders, ",
    ):
        targets.check(path, known)
    with pytest.raises(targets.TargetsError, match=r"line 2: .*no KPI 'top_channel'; the sales"):
        targets.check(write(tmp_path, HEADER + "sales,top_channel,daily,5\n"), known)


def test_the_known_kpis_are_the_target_columns_of_each_daily_mart():
    """What :func:`targets.known_kpis` reads from the SQL equals the contract: each KPI has a
    ``<kpi>_target`` column in its mart's YAML, and every role with a daily mart has KPIs."""
    import yaml

    known = targets.known_kpis(DBT_PROJECT)
    contracts = {}
    for path in (DBT_PROJECT / "models" / "marts").rglob("*.yml"):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            contracts[model["name"]] = {c["name"] for c in model.get("columns") or []}
    daily = {
        n.removeprefix("rpt_").removesuffix("__daily") for n in contracts if n.endswith("__daily")
    }
    assert set(known) == daily - {"risk", "service"}  # registers, no targets
    for role, kpis in known.items():
        assert kpis, role
        assert {f"{k}_target" for k in kpis} <= contracts[f"rpt_{role}__daily"], role
    assert sum(map(len, known.values())) == 55


def test_a_header_only_file_has_no_targets_and_a_bom_is_fine(tmp_path):
    assert targets.check(write(tmp_path, HEADER)) == ()
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "users,new_customers,daily,4.5e1\n").encode())
    assert targets.check(path) == (targets.Target("users", "new_customers", "daily", 45.0, 2),)


def _cfg(tmp_path: Path) -> settings.Settings:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    return settings.load({"OPSPULSE_HOME": str(tmp_path), "OPSPULSE_CONFIG_DIR": str(config)})


def test_dbt_reads_the_company_file_and_nothing_without_one(tmp_path):
    cfg = _cfg(tmp_path)
    assert dbt_env(cfg)["OPSPULSE_TARGETS_FILE"] == ""
    cfg.targets_file.write_text(HEADER + "sales,net_sales,daily,100\n")
    assert dbt_env(cfg)["OPSPULSE_TARGETS_FILE"] == str(cfg.targets_file)
    cfg.targets_file.write_text(HEADER + "sales,net_sales,daily,one hundred\n")
    with pytest.raises(targets.TargetsError, match=r"targets\.csv, line 2: target"):
        dbt_env(cfg)
    cfg.targets_file.write_text(HEADER + "sales,netsales,daily,100\n")
    with pytest.raises(targets.TargetsError, match=r"line 2: .*did you mean net_sales"):
        dbt_env(cfg)


def test_a_path_duckdb_would_read_as_a_pattern_is_refused(tmp_path):
    folder = tmp_path / "co[1]"
    folder.mkdir()
    path = write(folder, HEADER)
    with pytest.raises(targets.TargetsError, match="reads as a pattern"):
        targets.dbt_path(path)
