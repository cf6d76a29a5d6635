"""Fixtures for the email step: a tiny published database, a recipients file, an SMTP sink
on a free loopback port and an Airflow connection pointing at it."""

from __future__ import annotations

import email
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

import duckdb
import pytest

from opspulse.quickstart import free_port
from opspulse.reports.sink import start_sink

DAYS = ("2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27")
DS = "2026-11-27"

ECOMMERCE_DDL = """
create table rpt_ecommerce__daily (
    report_date date, gmv decimal(18, 4), discount_amount decimal(18, 4),
    net_sales decimal(18, 4), placed_orders bigint, valid_orders bigint,
    cancelled_orders bigint, pct_cancelled double, avg_order_value double,
    items_per_order double, sessions_with_cart bigint, abandoned_cart_sessions bigint,
    pct_cart_abandonment double, refund_amount decimal(18, 4), pct_refund_30d double,
    active_listings bigint, price_changes bigint,
    net_sales_prev_day decimal(18, 4), net_sales_7d_avg double, net_sales_target double,
    pct_net_sales_of_target double,
    valid_orders_prev_day bigint, valid_orders_7d_avg double, valid_orders_target double,
    pct_valid_orders_of_target double,
    avg_order_value_prev_day double, avg_order_value_7d_avg double,
    avg_order_value_target double, pct_avg_order_value_of_target double,
    pct_cart_abandonment_prev_day double, pct_cart_abandonment_7d_avg double,
    pct_cart_abandonment_target double, pct_cart_abandonment_of_target double
);
insert into rpt_ecommerce__daily values
('2026-11-24', 11800.50, 300.25, 11500.25, 100, 95, 5, 0.05, 121.05526, 2.1, 400, 130, 0.325,
 120.00, 0.011, 250, 3, null, 11500.25, 12000, 0.958354, null, 95, 100, 0.95,
 null, 121.05526, 125, 0.968442, null, 0.325, 0.30, 1.083333),
('2026-11-25', 12100.00, 250.00, 11850.00, 104, 98, 6, 0.0576923, 120.918367, 2.05, 410, 127,
 0.309756, 0, 0.0105, 251, 0, 11500.25, 11675.125, 12000, 0.9875, 95, 96.5, 100, 0.98,
 121.05526, 120.986814, 125, 0.967347, 0.325, 0.317378, 0.30, 1.03252),
('2026-11-26', 13050.10, 400.00, 12650.10, 110, 104, 6, 0.0545455, 121.635577, 2.2, 420, 120,
 0.285714, 300.5, 0.0123, 255, 12, 11850.00, 12000.116667, 12000, 1.054175, 98, 99, 100, 1.04,
 120.918367, 121.203066, 125, 0.973085, 0.309756, 0.306823, 0.30, 0.952381),
('2026-11-27', 12745.6789, 400.0089, 12345.67, 108, 102, 6, 0.0555556, 121.0359804, 2.15,
 415, 124, 0.298795, 12.3, 0.0119, 256, 7, 12650.10, 12086.5050, 12600, 0.979815, 104, 99.75,
 100, 1.02, 121.635577, 121.161556, 125, 0.968288, 0.285714, 0.304816, null, null);

create table rpt_ecommerce__payment_mix (
    report_date date, payment_method varchar, payment_amount decimal(18, 4),
    pct_payment_value double
);
insert into rpt_ecommerce__payment_mix values
('2026-11-26', 'card', 8000.00, 0.63), ('2026-11-26', 'paypal', 4650.10, 0.37),
('2026-11-27', 'card', 7407.402, 0.6), ('2026-11-27', 'paypal', 3703.701, 0.3),
('2026-11-27', 'gift_card', 1234.567, 0.1);
"""

USERS_DDL = """
create table rpt_users__daily (
    report_date date, new_customers bigint, active_customers bigint,
    customers_with_order bigint, repeat_customers bigint, pct_repeat_purchase double,
    churned_customers bigint, pct_churn double, avg_customer_lifetime_value double,
    tickets_opened bigint, tickets_resolved bigint, avg_csat_score double,
    new_customers_prev_day bigint, new_customers_7d_avg double, new_customers_target double,
    pct_new_customers_of_target double,
    active_customers_prev_day bigint, active_customers_7d_avg double,
    active_customers_target double, pct_active_customers_of_target double,
    pct_repeat_purchase_prev_day double, pct_repeat_purchase_7d_avg double,
    pct_repeat_purchase_target double, pct_repeat_purchase_of_target double,
    avg_csat_score_prev_day double, avg_csat_score_7d_avg double, avg_csat_score_target double,
    pct_avg_csat_score_of_target double
);
insert into rpt_users__daily values
('2026-11-24', 40, 2100, 95, 30, 0.41, 3, 0.012, 310.5, 20, 18, 4.3,
 null, 40, 45, 0.888889, null, 2100, 2000, 1.05, null, 0.41, 0.4, 1.025, null, 4.3, 4.5, 0.955556),
('2026-11-25', 42, 2110, 98, 31, 0.412, 2, 0.011, 311.25, 22, 21, 4.1,
 40, 41, 45, 0.933333, 2100, 2105, 2000, 1.055, 0.41, 0.411, 0.4, 1.03, 4.3, 4.2, 4.5, 0.911111),
('2026-11-26', 39, 2120, 101, 33, 0.415, 4, 0.013, 312.0, 25, 0, null,
 42, 40.333333, 45, 0.866667, 2110, 2110, 2000, 1.06, 0.412, 0.412333, 0.4, 1.0375,
 4.1, 4.2, 4.5, null),
('2026-11-27', 45, 2135, 100, 35, 0.4175, 3, 0.0125, 313.42, 21, 19, 4.4,
 39, 41.5, 45, 1.0, 2120, 2116.25, 2000, 1.0675, 0.415, 0.41369, 0.4, 1.04375,
 null, 4.266667, 4.5, 0.977778);

create table rpt_users__rfm_segments (
    report_date date, segment varchar, segment_rank integer, customers bigint,
    pct_customers double, revenue decimal(18, 2), avg_recency_days double,
    avg_frequency double, avg_monetary double, avg_recency_score double,
    avg_frequency_score double, avg_monetary_score double
);
insert into rpt_users__rfm_segments values
('2026-11-27', 'champions', 1, 20, 0.2, 9000.00, 8.5, 3.1, 450.0, 4.6, 4.5, 4.2),
('2026-11-27', 'loyal', 2, 10, 0.1, 3000.00, 30.2, 2.4, 300.0, 3.0, 4.2, 3.9),
('2026-11-27', 'new', 3, 25, 0.25, 2000.00, 9.0, 1.0, 80.0, 4.5, 1.0, 2.5),
('2026-11-27', 'potential loyalists', 4, 15, 0.15, 1200.00, 31.0, 1.0, 80.0, 3.0, 1.0, 2.5),
('2026-11-27', 'at risk', 5, 5, 0.05, 900.00, 55.0, 2.2, 180.0, 1.7, 4.1, 3.8),
('2026-11-27', 'hibernating', 6, 15, 0.15, 1100.00, 75.0, 1.0, 73.3, 1.0, 1.0, 2.4),
('2026-11-27', 'others', 7, 10, 0.1, 800.00, 50.0, 1.0, 80.0, 2.0, 1.0, 2.5);

create table rpt_users__cohort_retention (
    report_date date, cohort_month date, cohort_label varchar, cohort_customers bigint,
    month_1_customers bigint, pct_retained_month_1 double,
    month_2_customers bigint, pct_retained_month_2 double,
    month_3_customers bigint, pct_retained_month_3 double,
    month_6_customers bigint, pct_retained_month_6 double
);
insert into rpt_users__cohort_retention values
('2026-11-27', '2026-09-01', '2026-09', 40, 10, 0.25, 8, 0.2, 0, null, 0, null),
('2026-11-27', '2026-10-01', '2026-10', 35, 7, 0.2, 0, null, 0, null, 0, null),
('2026-11-27', '2026-11-01', '2026-11', 25, 0, null, 0, null, 0, null, 0, null);
"""


def open_marts(path: Path) -> duckdb.DuckDBPyConnection:
    """Read-write; the marts sit in the default schema, as ``publish`` lays them out."""
    return duckdb.connect(str(path))


def build_marts_db(path: Path) -> Path:
    assert path.stem == "marts", "the published database is marts.duckdb"
    con = open_marts(path)
    try:
        con.execute(ECOMMERCE_DDL)
        con.execute(USERS_DDL)
    finally:
        con.close()
    return path


RECIPIENTS_TOML = """
sender = "opspulse reports <reports@example.com>"

[data_team]
to = ["data-team@example.com"]

[roles.ecommerce]
to = ["ecommerce-ops@example.com", "head-of-ecommerce@example.com"]

[roles.users]
to = ["user-ops@example.com"]
"""


@pytest.fixture(scope="session", autouse=True)
def _airflow_home(tmp_path_factory: pytest.TempPathFactory):
    """Keep Airflow's config and logs out of the home directory when the hook is imported."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
        mp.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        yield


@pytest.fixture(autouse=True)
def _short_smtp_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Temporary SMTP errors are still tried three times, without the real waits."""
    monkeypatch.setenv("OPSPULSE_SMTP_BACKOFF_SECONDS", "0.01")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "var"
    monkeypatch.setenv("OPSPULSE_HOME", str(home))
    return home


@pytest.fixture
def marts_db(tmp_path: Path) -> Path:
    return build_marts_db(tmp_path / "marts.duckdb")


@pytest.fixture
def build_db(tmp_path: Path) -> Path:
    return tmp_path / "build.duckdb"


@pytest.fixture
def recipients_file(tmp_path: Path) -> Path:
    path = tmp_path / "recipients.toml"
    path.write_text(RECIPIENTS_TOML)
    return path


class Sink:
    def __init__(self, outbox: Path, port: int):
        self.outbox = outbox
        self.port = port

    def files(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in self.files()
        ]


@pytest.fixture
def sink(tmp_path: Path) -> Sink:
    outbox = tmp_path / "outbox"
    port = free_port()
    controller = start_sink(outbox, "127.0.0.1", port)
    try:
        yield Sink(outbox, port)
    finally:
        controller.stop()


SMTP_CONN_ID = "opspulse_test_smtp"


def smtp_connection_json(port: int, **fields: str) -> str:
    return json.dumps(
        {
            "conn_type": "smtp",
            "host": "127.0.0.1",
            "port": port,
            **fields,
            "extra": {
                "disable_ssl": True,
                "disable_tls": True,
                "from_email": "reports@example.com",
                "timeout": 5,
                "retry_limit": 0,
            },
        }
    )


@pytest.fixture
def smtp_conn(sink: Sink, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", smtp_connection_json(sink.port))
    return SMTP_CONN_ID
