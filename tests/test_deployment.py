"""docker-compose.yml cannot start here (no Docker engine): keep it honest by other means."""

from __future__ import annotations

import tomllib

import yaml

from opspulse import settings
from opspulse.nightly import DUCKDB_POOL
from opspulse.settings import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
AIRFLOW_SERVICES = [name for name in COMPOSE["services"] if name.startswith("airflow-")]


def test_every_airflow_component_runs_the_opspulse_image_on_celery():
    assert {
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker",
        "airflow-init",
    } <= set(AIRFLOW_SERVICES)
    for name in AIRFLOW_SERVICES:
        service = COMPOSE["services"][name]
        env = service["environment"]
        assert service["image"] == "opspulse:latest", name
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql"), name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert "opspulse-data:/data/opspulse" in service["volumes"], name
        assert env["OPSPULSE_HOME"] == "/data/opspulse", name


def test_the_pool_and_connection_names_match_the_code():
    env = COMPOSE["services"]["airflow-worker"]["environment"]
    assert f"AIRFLOW_CONN_{settings.load().smtp_conn_id.upper()}" in env
    assert f"pools set {DUCKDB_POOL} 1" in COMPOSE["services"]["airflow-init"]["command"]


def test_no_secret_is_committed_in_the_compose_file():
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD:?" in text and "${AIRFLOW_JWT_SECRET:?" in text
    assert "password" not in text.lower().replace("postgres_password", "")


def test_the_image_paths_exist_in_the_repository():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    for path in ("dags", "plugins", "dbt_project", "config", "src", "uv.lock"):
        assert f"COPY {path}" in dockerfile or f" {path} " in dockerfile
        assert (REPO_ROOT / path).exists(), path
    assert "--extra cluster" in dockerfile


def test_the_celery_executor_the_image_installs_is_locked_and_loads():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert any(
        d.startswith("apache-airflow-providers-celery")
        for d in project["project"]["optional-dependencies"]["cluster"]
    )
    from airflow.providers.celery.executors.celery_executor import CeleryExecutor

    assert CeleryExecutor.__name__ == "CeleryExecutor"
