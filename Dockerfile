# The opspulse image for a distributed Airflow deployment (see docker-compose.yml):
# the locked environment, the package, the DAGs and the dbt project.
FROM python:3.11-slim
ENV UV_PROJECT_ENVIRONMENT=/opt/opspulse/.venv \
    PATH=/opt/opspulse/.venv/bin:$PATH \
    OPSPULSE_HOME=/data/opspulse \
    GX_ANALYTICS_ENABLED=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False
WORKDIR /opt/opspulse
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
RUN uv sync --frozen --no-dev --extra cluster --no-progress
COPY dags ./dags
COPY plugins ./plugins
COPY dbt_project ./dbt_project
COPY config ./config
