{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'pct_data_trust': 'double',
    'pct_expectations_passed': 'double',
    'rows_loaded': 'bigint',
    'files_quarantined': 'bigint',
} -%}

{%- set previous_run_stages = ['build_marts', 'audit_marts', 'publish_marts', 'send_reports'] -%}

with

runs as (

    select * from {{ ref('int_pipeline_runs_sequenced') }}

),

quality_results as (

    select * from {{ ref('stg_pipeline__quality_results') }}

),

send_ledger as (

    select * from {{ ref('stg_pipeline__send_ledger') }}

),

sources as (

    select * from {{ ref('rpt_data__sources') }}

),

role_trust as (

    select * from {{ ref('rpt_data__role_trust') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

run_days as (

    select * from runs
    where is_latest_run_of_day

),

ingest_daily as (

    select
        report_date,
        count(*) filter (where files_loaded > 0) as sources_loaded,
        sum(files_loaded) as files_loaded,
        sum(rows_loaded) as rows_loaded,
        sum(rows_rejected) as rows_rejected,
        sum(files_quarantined) as files_quarantined,
        {#- a source delivered only when something changed is not late for an old file #}
        {%- set on_change = var('on_change_sources', []) %}
        max(freshness_lag_hours)
        {%- if on_change %} filter (
            where source_name not in ({{ "'" ~ on_change | join("', '") ~ "'" }})
        ){% endif %} as max_freshness_lag_hours

    from sources
    group by report_date

),

expectations_by_run as (

    select
        run_id,
        count(*) filter (where layer = 'raw') as raw_expectations_evaluated,
        count(*) filter (where layer = 'raw' and is_success) as raw_expectations_passed,
        count(*) filter (where layer = 'marts') as mart_expectations_evaluated,
        count(*) filter (where layer = 'marts' and is_success) as mart_expectations_passed

    from quality_results
    group by run_id

),

trust_daily as (

    select
        report_date,
        avg(pct_data_trust) as pct_data_trust

    from role_trust
    group by report_date

),

{# an email belongs to the run that was the latest to start when it was written #}
runs_ordered as (

    select
        run_id,
        run_date,
        started_at,
        lead(started_at) over (order by started_at, run_id) as next_run_started_at

    from runs

),

emails_by_run as (

    select
        runs_ordered.run_id,
        runs_ordered.run_date,
        runs_ordered.started_at,
        count(*) filter (where send_ledger.status = 'sent') as emails_sent,
        count(*) filter (where send_ledger.status = 'failed') as emails_failed

    from runs_ordered
    inner join send_ledger
        on
            runs_ordered.started_at <= send_ledger.created_at
            and (
                runs_ordered.next_run_started_at > send_ledger.created_at
                or runs_ordered.next_run_started_at is null
            )
    group by runs_ordered.run_id, runs_ordered.run_date, runs_ordered.started_at

),

{# the previous run's emails: those of its day's runs that started before the day's run #}
previous_day_emails as (

    select
        run_days.run_id,
        sum(emails_by_run.emails_sent) as emails_sent,
        sum(emails_by_run.emails_failed) as emails_failed

    from run_days
    inner join runs as previous_runs
        on run_days.previous_run_id = previous_runs.run_id
    inner join emails_by_run
        on
            previous_runs.run_date = emails_by_run.run_date
            and run_days.started_at > emails_by_run.started_at
    group by run_days.run_id

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'data', headline_kpis) }}

),

daily as (

    select
        run_days.run_date as report_date,
        run_days.run_id,
        coalesce(ingest_daily.sources_loaded, 0) as sources_loaded,
        coalesce(ingest_daily.files_loaded, 0) as files_loaded,
        coalesce(ingest_daily.rows_loaded, 0) as rows_loaded,
        coalesce(ingest_daily.rows_rejected, 0) as rows_rejected,
        coalesce(ingest_daily.files_quarantined, 0) as files_quarantined,
        ingest_daily.max_freshness_lag_hours,
        coalesce(this_run.raw_expectations_evaluated, 0) as raw_expectations_evaluated,
        coalesce(this_run.raw_expectations_passed, 0) as raw_expectations_passed,
        coalesce(previous_run.mart_expectations_evaluated, 0)
            as prev_run_mart_expectations_evaluated,
        coalesce(previous_run.mart_expectations_passed, 0) as prev_run_mart_expectations_passed,
        trust_daily.pct_data_trust,
        run_days.load_sources_seconds,
        run_days.audit_raw_seconds,
        previous_runs.run_date as prev_run_date,
        {%- for stage in previous_run_stages %}
            previous_runs.{{ stage }}_seconds as prev_run_{{ stage }}_seconds,
        {%- endfor %}
        previous_runs.publish_status as prev_run_publish_status,
        previous_runs.dbt_models_built as prev_run_dbt_models_built,
        previous_runs.dbt_tests_passed as prev_run_dbt_tests_passed,
        case
            when previous_runs.run_id is not null then coalesce(previous_day_emails.emails_sent, 0)
        end as prev_run_emails_sent,
        case
            when previous_runs.run_id is not null
                then coalesce(previous_day_emails.emails_failed, 0)
        end as prev_run_emails_failed

    from run_days
    left join runs as previous_runs
        on run_days.previous_run_id = previous_runs.run_id
    left join ingest_daily
        on run_days.run_date = ingest_daily.report_date
    left join expectations_by_run as this_run
        on run_days.run_id = this_run.run_id
    left join expectations_by_run as previous_run
        on run_days.previous_mart_audit_run_id = previous_run.run_id
    left join trust_daily
        on run_days.run_date = trust_daily.report_date
    left join previous_day_emails
        on run_days.run_id = previous_day_emails.run_id

),

kpis as (

    select
        *,
        {{ safe_divide('raw_expectations_passed', 'raw_expectations_evaluated') }}
            as pct_raw_expectations_passed,
        {{ safe_divide(
            'prev_run_mart_expectations_passed', 'prev_run_mart_expectations_evaluated'
        ) }} as prev_run_pct_mart_expectations_passed,
        raw_expectations_evaluated + prev_run_mart_expectations_evaluated
            as expectations_evaluated,
        raw_expectations_passed + prev_run_mart_expectations_passed as expectations_passed,
        {{ safe_divide(
            'raw_expectations_passed + prev_run_mart_expectations_passed',
            'raw_expectations_evaluated + prev_run_mart_expectations_evaluated'
        ) }} as pct_expectations_passed

    from daily

),

trended as (

    select
        kpis.*,
        {{ kpi_trend_columns(headline_kpis) }}

    from kpis
    cross join targets

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(run_id as varchar) as run_id,
        cast(sources_loaded as bigint) as sources_loaded,
        cast(files_loaded as bigint) as files_loaded,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,
        cast(files_quarantined as bigint) as files_quarantined,
        cast(max_freshness_lag_hours as double) as max_freshness_lag_hours,
        cast(raw_expectations_evaluated as bigint) as raw_expectations_evaluated,
        cast(raw_expectations_passed as bigint) as raw_expectations_passed,
        cast(pct_raw_expectations_passed as double) as pct_raw_expectations_passed,
        cast(prev_run_mart_expectations_evaluated as bigint)
            as prev_run_mart_expectations_evaluated,
        cast(prev_run_mart_expectations_passed as bigint) as prev_run_mart_expectations_passed,
        cast(prev_run_pct_mart_expectations_passed as double)
            as prev_run_pct_mart_expectations_passed,
        cast(expectations_evaluated as bigint) as expectations_evaluated,
        cast(expectations_passed as bigint) as expectations_passed,
        cast(pct_expectations_passed as double) as pct_expectations_passed,
        cast(pct_data_trust as double) as pct_data_trust,
        cast(load_sources_seconds as double) as load_sources_seconds,
        cast(audit_raw_seconds as double) as audit_raw_seconds,
        cast(prev_run_date as date) as prev_run_date,
        {%- for stage in previous_run_stages %}
            cast(prev_run_{{ stage }}_seconds as double) as prev_run_{{ stage }}_seconds,
        {%- endfor %}
        cast(prev_run_publish_status as varchar) as prev_run_publish_status,
        cast(prev_run_dbt_models_built as bigint) as prev_run_dbt_models_built,
        cast(prev_run_dbt_tests_passed as bigint) as prev_run_dbt_tests_passed,
        cast(prev_run_emails_sent as bigint) as prev_run_emails_sent,
        cast(prev_run_emails_failed as bigint) as prev_run_emails_failed,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended

)

select * from final
