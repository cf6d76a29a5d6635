with

runs as (

    select * from {{ ref('int_pipeline_runs_sequenced') }}

),

quality_results as (

    select * from {{ ref('stg_pipeline__quality_results') }}

),

role_sources as (

    select * from {{ ref('role_sources') }}

),

role_plan as (

    select * from {{ ref('stg_pipeline__role_plan') }}

),

run_days as (

    select * from runs
    where is_latest_run_of_day

),

{# a role's raw checks: the suites of the raw sources its marts are built from #}
raw_checks as (

    select
        run_days.run_date as report_date,
        role_sources.role as role_name,
        count(*) as checks_evaluated,
        count(*) filter (where quality_results.is_success) as checks_passed

    from run_days
    inner join quality_results
        on
            run_days.run_id = quality_results.run_id
            and quality_results.layer = 'raw'
    inner join role_sources
        on quality_results.table_name = 'raw.' || role_sources.source
    group by run_days.run_date, role_sources.role

),

{# a role's mart checks: the suites of its report marts (marts.rpt_<role>__*), previous audit #}
mart_checks as (

    select
        run_days.run_date as report_date,
        regexp_extract(quality_results.table_name, '^marts\.rpt_(.+?)__', 1) as role_name,
        count(*) as checks_evaluated,
        count(*) filter (where quality_results.is_success) as checks_passed

    from run_days
    inner join quality_results
        on
            run_days.previous_mart_audit_run_id = quality_results.run_id
            and quality_results.layer = 'marts'
    where regexp_matches(quality_results.table_name, '^marts\.rpt_.+__')
    group by run_days.run_date, regexp_extract(quality_results.table_name, '^marts\.rpt_(.+?)__', 1)

),

role_days_checked as (

    select
        report_date,
        role_name
    from raw_checks
    union
    select
        report_date,
        role_name
    from mart_checks

),

{# a role the day's run did not build (its sources are not delivered) has no score #}
role_days as (

    select
        role_days_checked.report_date,
        role_days_checked.role_name

    from role_days_checked
    inner join run_days
        on role_days_checked.report_date = run_days.run_date
    left join role_plan
        on
            run_days.run_id = role_plan.run_id
            and role_days_checked.role_name = role_plan.role_name
    where coalesce(role_plan.is_active, true)

),

final as (

    select
        cast(role_days.report_date as date) as report_date,
        cast(role_days.role_name as varchar) as role_name,
        cast(coalesce(raw_checks.checks_evaluated, 0) as bigint) as raw_checks_evaluated,
        cast(coalesce(raw_checks.checks_passed, 0) as bigint) as raw_checks_passed,
        cast(coalesce(mart_checks.checks_evaluated, 0) as bigint) as prev_run_mart_checks_evaluated,
        cast(coalesce(mart_checks.checks_passed, 0) as bigint) as prev_run_mart_checks_passed,
        cast(
            coalesce(raw_checks.checks_evaluated, 0) + coalesce(mart_checks.checks_evaluated, 0)
            as bigint
        ) as checks_evaluated,
        cast(
            coalesce(raw_checks.checks_passed, 0) + coalesce(mart_checks.checks_passed, 0)
            as bigint
        ) as checks_passed,
        cast({{ safe_divide(
            'coalesce(raw_checks.checks_passed, 0) + coalesce(mart_checks.checks_passed, 0)',
            'coalesce(raw_checks.checks_evaluated, 0) + coalesce(mart_checks.checks_evaluated, 0)'
        ) }} as double) as pct_data_trust

    from role_days
    left join raw_checks
        on
            role_days.report_date = raw_checks.report_date
            and role_days.role_name = raw_checks.role_name
    left join mart_checks
        on
            role_days.report_date = mart_checks.report_date
            and role_days.role_name = mart_checks.role_name

)

select * from final
