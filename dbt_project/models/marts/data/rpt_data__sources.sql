with

runs as (

    select * from {{ ref('int_pipeline_runs_sequenced') }}

),

ingest_log as (

    select * from {{ ref('stg_pipeline__ingest_log') }}

),

run_days as (

    select * from runs
    where is_latest_run_of_day

),

{#
    the run day of each file read: a run killed after its load (it may have recorded no stage)
    and its re-run are one day's ingest
#}
ingest_with_run_start as (

    select
        ingest_log.*,
        coalesce(ingest_log.run_date, runs.run_date) as ingest_run_date,
        coalesce(runs.started_at, ingest_log.logged_at) as run_started_at

    from ingest_log
    left join runs
        on ingest_log.run_id = runs.run_id

),

{#
    every source the loader has seen by the run, with the newest landing day up to the run's
    day that it has loaded (a backfill of an old day is not made fresher by later days)
#}
sources_by_run as (

    select
        run_days.run_date as report_date,
        run_days.run_id,
        ingest_with_run_start.source_name,
        max(ingest_with_run_start.partition_date) filter (
            where
            not ingest_with_run_start.is_quarantined
            and ingest_with_run_start.partition_date <= run_days.run_date
        ) as newest_partition_date

    from run_days
    inner join ingest_with_run_start
        on run_days.started_at >= ingest_with_run_start.run_started_at
    group by run_days.run_date, run_days.run_id, ingest_with_run_start.source_name

),

{# the latest entry per file over the day's runs: a re-run that found nothing changed keeps
   what the killed run loaded #}
latest_ingest_of_day as (

    select * from ingest_with_run_start
    where ingest_run_date is not null
    qualify row_number() over (
        partition by ingest_run_date, source_name, partition_date, file_path
        order by logged_at desc
    ) = 1

),

day_ingest as (

    select
        ingest_run_date as report_date,
        source_name,
        count(*) filter (
            where not is_quarantined and status is distinct from 'refused'
        ) as files_loaded,
        count(*) filter (where is_quarantined) as files_quarantined,
        sum(rows_loaded) as rows_loaded,
        sum(rows_rejected) as rows_rejected

    from latest_ingest_of_day
    group by ingest_run_date, source_name

),

final as (

    select
        cast(sources_by_run.report_date as date) as report_date,
        cast(sources_by_run.source_name as varchar) as source_name,
        cast(sources_by_run.run_id as varchar) as run_id,
        cast(coalesce(day_ingest.files_loaded, 0) as bigint) as files_loaded,
        cast(coalesce(day_ingest.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(day_ingest.rows_rejected, 0) as bigint) as rows_rejected,
        cast(coalesce(day_ingest.files_quarantined, 0) as bigint) as files_quarantined,
        cast(sources_by_run.newest_partition_date as date) as newest_partition_date,
        {#
            freshness against the end of the run's day (ds), not the wall clock: a run of
            2018 data is as fresh as its landing files, however late it runs
        #}
        cast(
            date_diff(
                'second',
                cast(sources_by_run.newest_partition_date + 1 as timestamp),
                cast(sources_by_run.report_date + 1 as timestamp)
            ) / 3600.0 as double
        ) as freshness_lag_hours,
        {#- a source delivered only when something changed is not late for an old file #}
        {%- set on_change = var('on_change_sources', []) %}
        cast(
            sources_by_run.newest_partition_date is distinct from sources_by_run.report_date
            {%- if on_change %}
                and sources_by_run.source_name not in ({{ "'" ~ on_change | join("', '") ~ "'" }})
            {%- endif %}
            as boolean
        ) as is_late

    from sources_by_run
    left join day_ingest
        on
            sources_by_run.report_date = day_ingest.report_date
            and sources_by_run.source_name = day_ingest.source_name

)

select * from final
