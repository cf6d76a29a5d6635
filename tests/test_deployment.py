"""docker-compose.yml cannot start here (no Docker engine), but its settings run for real:
cluster/local_cluster.py starts the same services with the environment derived from it
(tests/cluster run the nightly there). These tests check that derivation and what the
image needs, without starting anything."""

from __future__ import annotations

import sys

import pytest

from opspulse.settings import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
from cluster import local_cluster  # noqa: E402
from cluster.local_cluster import ClusterError, interpolate, service_environment  # noqa: E402

VALUES = {
    "POSTGRES_PASSWORD": "pw0",
    "AIRFLOW_JWT_SECRET": "jwt",
    "AIRFLOW_FERNET_KEY": "fernet",
    "AIRFLOW_CONN_OPSPULSE_SMTP": "smtp://mail.example:25",
}
ADDRESSES = {
    "postgres": "127.0.0.1:5999",
    "redis": "127.0.0.1:6999",
    "airflow-apiserver": "127.0.0.1:8999",
}


def test_compose_variables_are_interpolated_and_a_missing_secret_is_named():
    assert interpolate("a ${X} b", {"X": "1"}) == "a 1 b"
    assert interpolate("${X:-UTC}", {}) == "UTC"
    assert interpolate("${X:-UTC}", {"X": ""}) == "UTC"
    assert interpolate("${X-UTC}", {"X": ""}) == ""
    with pytest.raises(ClusterError, match=r"POSTGRES_PASSWORD \(set in .env\)"):
        interpolate("${POSTGRES_PASSWORD:?set in .env}", {})
    with pytest.raises(ClusterError, match="X"):
        interpolate("${X:?why}", {"X": ""})


def test_every_airflow_service_gets_local_addresses_and_folders(tmp_path):
    services = local_cluster.airflow_services()
    assert services[0] == "airflow-apiserver"
    assert set(services) == {
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker",
    }
    for name in services:
        env = service_environment(name, VALUES, ADDRESSES, {"opspulse-data": tmp_path})
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        conn = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert conn == "postgresql+psycopg2://airflow:pw0@127.0.0.1:5999/airflow"
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{conn}"
        assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6999/0"
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8999/execution/"
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(REPO_ROOT / "dags")
        assert env["OPSPULSE_HOME"] == str(tmp_path)
        assert env["AIRFLOW_HOME"] == str(tmp_path / "airflow"), "one Airflow home, shared"
        assert env["AIRFLOW__CORE__FERNET_KEY"] == "fernet", "one key decrypts the connections"
        assert "OPSPULSE_TIMEZONE" not in env, "the home's company.toml holds the timezone"
    assert local_cluster.replicas("airflow-worker") == 2
    assert local_cluster.service_command("airflow-init") == ["opspulse", "init"]


def test_a_service_mounting_an_unknown_volume_is_refused(tmp_path):
    spec = {"services": {"x": {"volumes": ["other:/data"], "environment": {}}}}
    with pytest.raises(ClusterError, match="other"):
        service_environment("x", VALUES, ADDRESSES, {"opspulse-data": tmp_path}, spec)


def test_the_cluster_extra_holds_every_driver_the_compose_settings_load(tmp_path):
    """What the image's environment must import for these URLs: the metadata database's
    driver, Airflow's async driver for it, the result backend's and the broker's."""
    import importlib

    from sqlalchemy.engine import make_url

    env = service_environment("airflow-worker", VALUES, ADDRESSES, {"opspulse-data": tmp_path})
    conn = make_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    backend = make_url(env["AIRFLOW__CELERY__RESULT_BACKEND"].removeprefix("db+"))
    for url in (conn, conn.set(drivername="postgresql+asyncpg"), backend):
        url.get_dialect().import_dbapi()
    importlib.import_module("redis")
    module, _, name = (
        "airflow.providers.celery.executors.celery_executor.CeleryExecutor".rpartition(".")
    )
    assert getattr(importlib.import_module(module), name).is_local is False


def test_no_secret_is_committed_in_the_compose_file():
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    for secret in ("POSTGRES_PASSWORD", "AIRFLOW_JWT_SECRET", "AIRFLOW_FERNET_KEY"):
        assert "${" + secret + ":?" in text
    spec = local_cluster.compose()
    with pytest.raises(ClusterError, match="POSTGRES_PASSWORD"):
        service_environment("airflow-worker", {}, ADDRESSES, {"opspulse-data": REPO_ROOT}, spec)


def test_the_image_paths_exist_in_the_repository():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert f"WORKDIR {local_cluster.IMAGE_ROOT}" in dockerfile
    for path in ("dags", "plugins", "dbt_project", "config", "src", "uv.lock"):
        assert f"COPY {path}" in dockerfile or f" {path} " in dockerfile
        assert (REPO_ROOT / path).exists(), path
    assert "--extra cluster" in dockerfile
