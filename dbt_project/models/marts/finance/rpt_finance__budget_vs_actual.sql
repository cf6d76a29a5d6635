{#- a month-to-date window reaches back at most 30 days -#}
{%- set history_days = 31 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

gl_entries as (

    select * from {{ ref('fct_gl_entries') }}
    where
        account_type = 'opex'
        and posted_date >= {{ report_read_from(history_days) }}

),

budgets as (

    select * from {{ ref('fct_budgets') }}

),

budget_days as (

    select
        dates.date_day as report_date,
        budgets.department,
        sum(budgets.monthly_budget_amount) as monthly_budget,
        sum(budgets.daily_budget_amount) * day(dates.date_day) as mtd_budget

    from dates
    inner join budgets
        on dates.month_start_date = budgets.month_start_date
    group by dates.date_day, budgets.department

),

actual_days as (

    select
        dates.date_day as report_date,
        gl_entries.department,
        sum(gl_entries.amount) as mtd_actual

    from dates
    inner join gl_entries
        on
            gl_entries.posted_date between dates.month_start_date and dates.date_day
    group by dates.date_day, gl_entries.department

),

joined as (

    select
        coalesce(budget_days.report_date, actual_days.report_date) as report_date,
        coalesce(budget_days.department, actual_days.department) as department,
        coalesce(budget_days.monthly_budget, 0) as monthly_budget,
        coalesce(budget_days.mtd_budget, 0) as mtd_budget,
        coalesce(actual_days.mtd_actual, 0) as mtd_actual

    from budget_days
    full outer join actual_days
        on
            budget_days.report_date = actual_days.report_date
            and budget_days.department = actual_days.department

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(department as varchar) as department,
        cast(monthly_budget as decimal(18, 2)) as monthly_budget,
        cast(mtd_budget as double) as mtd_budget,
        cast(mtd_actual as decimal(18, 2)) as mtd_actual,
        cast(mtd_actual - mtd_budget as double) as mtd_variance,
        cast({{ safe_divide('mtd_actual', 'mtd_budget') }} as double) as pct_mtd_budget_used

    from joined
    where report_date >= {{ report_start_date() }}

)

select * from final
