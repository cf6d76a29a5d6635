with

runs as (

    select * from {{ ref('int_pipeline_runs_sequenced') }}

),

role_plan as (

    select * from {{ ref('stg_pipeline__role_plan') }}

),

run_days as (

    select * from runs
    where is_latest_run_of_day

),

final as (

    select
        cast(run_days.run_date as date) as report_date,
        cast(role_plan.role_name as varchar) as role_name,
        cast(role_plan.role_title as varchar) as role_title,
        cast(role_plan.sort_order as integer) as sort_order,
        cast(role_plan.is_active as boolean) as is_active,
        cast(case when role_plan.is_active then 'emailed' else 'not built' end as varchar)
            as role_status,
        cast(role_plan.reason as varchar) as reason

    from run_days
    inner join role_plan
        on run_days.run_id = role_plan.run_id

)

select * from final
