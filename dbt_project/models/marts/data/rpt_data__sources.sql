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

ingest_with_run_start as (

    select
        ingest_log.*,
        runs.started_at as run_started_at

    from ingest_log
    inner join runs
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

this_run_ingest as (

    select
        run_id,
        source_name,
        count(*) filter (where not is_quarantined) as files_loaded,
        count(*) filter (where is_quarantined) as files_quarantined,
        sum(rows_loaded) as rows_loaded,
        sum(rows_rejected) as rows_rejected

    from ingest_log
    group by run_id, source_name

),

final as (

    select
        cast(sources_by_run.report_date as date) as report_date,
        cast(sources_by_run.source_name as varchar) as source_name,
        cast(sources_by_run.run_id as varchar) as run_id,
        cast(coalesce(this_run_ingest.files_loaded, 0) as bigint) as files_loaded,
        cast(coalesce(this_run_ingest.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(this_run_ingest.rows_rejected, 0) as bigint) as rows_rejected,
        cast(coalesce(this_run_ingest.files_quarantined, 0) as bigint) as files_quarantined,
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
        ) as freshness_lag_hours

    from sources_by_run
    left join this_run_ingest
        on
            sources_by_run.run_id = this_run_ingest.run_id
            and sources_by_run.source_name = this_run_ingest.source_name

)

select * from final
