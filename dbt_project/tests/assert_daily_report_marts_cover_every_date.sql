{# each daily report mart has exactly one row per dim_dates day, no more and no fewer #}
with

dates as (

    select * from {{ ref('dim_dates') }}

),

ecommerce as (

    select * from {{ ref('rpt_ecommerce__daily') }}

),

users as (

    select * from {{ ref('rpt_users__daily') }}

),

report_dates as (

    select
        'rpt_ecommerce__daily' as report_mart,
        report_date
    from ecommerce

    union all

    select
        'rpt_users__daily' as report_mart,
        report_date
    from users

),

report_marts as (

    select 'rpt_ecommerce__daily' as report_mart
    union all
    select 'rpt_users__daily' as report_mart

),

expected as (

    select
        report_marts.report_mart,
        dates.date_day as report_date

    from dates
    cross join report_marts

),

counted as (

    select
        coalesce(expected.report_mart, report_dates.report_mart) as report_mart,
        coalesce(expected.report_date, report_dates.report_date) as report_date,
        count(report_dates.report_date) as rows_in_mart,
        count(expected.report_date) as rows_expected

    from expected
    full outer join report_dates
        on
            expected.report_mart = report_dates.report_mart
            and expected.report_date = report_dates.report_date
    group by all

),

final as (

    select * from counted
    where rows_in_mart <> 1 or rows_expected <> 1

)

select * from final
