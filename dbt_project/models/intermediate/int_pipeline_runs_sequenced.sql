{%- set stages = [
    'load_sources', 'audit_raw', 'build_marts', 'audit_marts', 'publish_marts', 'send_reports'
] -%}

with

stage_runs as (

    select * from {{ ref('stg_pipeline__stage_runs') }}

),

{# a retried stage keeps its latest attempt #}
latest_stage_runs as (

    select * from stage_runs
    qualify row_number() over (
        partition by run_id, stage_name order by started_at desc
    ) = 1

),

{# build_marts returns dbt's counts; a failed build has none #}
dbt_counts as (

    select
        run_id,
        max(cast(json_extract_string(details, '$.models') as bigint)) as dbt_models_built,
        max(cast(json_extract_string(details, '$.tests') as bigint)) as dbt_tests_passed

    from latest_stage_runs
    where stage_name = 'build_marts' and is_success
    group by run_id

),

runs as (

    select
        run_id,
        max(run_date) as run_date,
        min(started_at) as started_at,
        max(started_at + to_microseconds(cast(duration_seconds * 1e6 as bigint)))
            as ended_at,
    {%- for stage in stages %}
        max(status) filter (where stage_name = '{{ stage }}') as {{ stage }}_status,
        max(duration_seconds) filter (where stage_name = '{{ stage }}') as {{ stage }}_seconds
        {{- "," if not loop.last }}
    {%- endfor %}

    from latest_stage_runs
    group by run_id

),

runs_counted as (

    select
        runs.*,
        dbt_counts.dbt_models_built,
        dbt_counts.dbt_tests_passed

    from runs
    left join dbt_counts
        on runs.run_id = dbt_counts.run_id

),

outcomes as (

    select
        *,
        case
            when publish_marts_status = 'success' then 'published'
            when
                audit_marts_status = 'failed'
                or build_marts_status = 'failed'
                or audit_raw_status = 'failed'
                or load_sources_status = 'failed'
                or publish_marts_status = 'failed'
                then 'withheld'
        end as publish_status,
        audit_marts_status is not null as has_mart_audit,
        row_number() over (partition by run_date order by started_at desc, run_id desc) = 1
            as is_latest_run_of_day

    from runs_counted

),

{# The previous run a run reports is of an earlier run day and started before it, so a
    re-run of a day (after a kill or a failure) reports what a clean run of it reports:
    the latest such run with an outcome (published or withheld; a killed run has none), and,
    for mart checks, the latest such run whose mart audit ended (success or failed: the gate
    stores its results before it enforces them). #}
previous_runs as (

    select
        outcomes.run_id,
        arg_max(earlier.run_id, (earlier.started_at, earlier.run_id)) filter (
            where earlier.publish_status is not null
        ) as previous_run_id,
        arg_max(earlier.run_id, (earlier.started_at, earlier.run_id)) filter (
            where earlier.has_mart_audit
        ) as previous_mart_audit_run_id

    from outcomes
    inner join outcomes as earlier
        on
            outcomes.started_at > earlier.started_at
            and outcomes.run_date > earlier.run_date
    group by outcomes.run_id

),

sequenced as (

    select
        outcomes.*,
        previous_runs.previous_run_id,
        previous_runs.previous_mart_audit_run_id

    from outcomes
    left join previous_runs
        on outcomes.run_id = previous_runs.run_id

)

select * from sequenced
