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

sequenced as (

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
        lag(run_id) over (order by started_at, run_id) as previous_run_id,
        lag(started_at) over (order by started_at, run_id) as previous_run_started_at,
        row_number() over (partition by run_date order by started_at desc, run_id desc) = 1
            as is_latest_run_of_day

    from runs_counted

)

select * from sequenced
