# opspulse: the two commands of the README, and a few more.
#   make demo   the nightly pipeline on the demo company, emails into var/outbox/
#   make test   lint + the whole test suite but the cluster tests (make test-cluster)
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen --no-progress
export OPSPULSE_HOME ?= $(CURDIR)/var
export GX_ANALYTICS_ENABLED := False
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: demo test lint airflow-ui cluster cluster-deps test-cluster bench drill-kills drills clean

demo: .venv/.synced
	$(RUN) opspulse demo $(DEMO_ARGS)

test: .venv/.synced lint
	$(RUN) pytest -m "not cluster" $(PYTEST_ARGS)

lint: .venv/.synced
	$(RUN) ruff check src dags plugins tests bench drills cluster
	$(RUN) ruff format --check src dags plugins tests bench drills cluster
	$(RUN) sqlfluff lint dbt_project/models dbt_project/tests dbt_project/macros --processes 2

# The Airflow UI (and scheduler) on http://127.0.0.1:8080 with the project's settings.
airflow-ui: .venv/.synced
	$(RUN) opspulse airflow standalone

# The CeleryExecutor deployment of docker-compose.yml on this machine, without Docker:
# PostgreSQL, Redis, API server, scheduler, DAG processor, triggerer and two Celery workers
# on 127.0.0.1, on a demo company (cluster/local_cluster.py); Ctrl-C stops everything.
cluster: .venv/.synced cluster-deps
	$(RUN) python cluster/local_cluster.py

# PostgreSQL and Redis from Debian's packages, when missing (as root, or with sudo).
cluster-deps:
	cluster/install-deps

# The nightly through Airflow's scheduler: on that cluster (two days, two workers) and on
# make airflow-ui's LocalExecutor (tests/cluster; about 5 min; CI runs it after make test).
test-cluster: .venv/.synced cluster-deps
	OPSPULSE_REQUIRE_CLUSTER=1 $(RUN) pytest -m cluster $(PYTEST_ARGS)

# Speed as ratios against DuckDB running the same work directly (results in bench/results/).
bench: .venv/.synced
	$(RUN) python bench/bench_generator.py --scale $(or $(SCALE),1)
	$(RUN) python bench/bench_pipeline.py --scale $(or $(SCALE),1)

# The kill drill: SIGKILL random nightly runs, re-run them, check old-or-new, equal to a clean
# run, one email per role (about 1.5 min per trial; results in drills/results/kills.json).
drill-kills: .venv/.synced
	$(RUN) python drills/kill_drill.py --trials $(or $(TRIALS),10) --seed $(or $(SEED),1)

# The drills CI can run: the kill drill small (2 trials, fixed seed, scale 0.05), bounded by
# DRILLS_TIMEOUT seconds; non-zero when a guarantee breaks, one line per guarantee. The SMTP,
# bad-input and hostile-parameter drills are tests, run by make test.
DRILLS_TIMEOUT ?= 900
drills: .venv/.synced
	timeout --kill-after=60 $(DRILLS_TIMEOUT) \
		$(RUN) python drills/kill_drill.py --trials 2 --seed 3 --scale 0.05

clean:
	rm -rf var .pytest_cache .ruff_cache

# Everything lands in the project's own virtualenv, exactly as uv.lock pins it; bytecode is
# compiled once at install (this machine never writes .pyc at import: Airflow, dbt and GX
# start about 5 s faster per process).
.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode --no-progress --quiet
	@touch $@

# Bootstrap uv from the package index when the machine has none.
$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv==$(UV_VERSION)
