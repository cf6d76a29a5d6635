{#- days read before the first recomputed day: month to date, up to 30 days back -#}
{%- set history_days = 31 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where
        ordered_date >= {{ report_read_from(history_days) }}
        and sales_rep_id is not null

),

sales_reps as (

    select * from {{ ref('dim_sales_reps') }}

),

sales_targets as (

    select * from {{ ref('fct_sales_targets') }}
    where target_level = 'sales_rep'

),

orders_daily as (

    select
        ordered_date as report_date,
        sales_rep_id,
        sum(net_sales) as net_sales,
        count(*) filter (where is_valid) as valid_orders

    from orders
    group by ordered_date, sales_rep_id

),

daily as (

    select
        dates.date_day as report_date,
        dates.month_start_date,
        sales_reps.sales_rep_id,
        sales_reps.region,
        sales_reps.team,
        coalesce(orders_daily.net_sales, 0) as net_sales,
        coalesce(orders_daily.valid_orders, 0) as valid_orders,
        sales_targets.net_sales_target as monthly_net_sales_target,
        sales_targets.net_sales_target * day(dates.date_day) / sales_targets.days_in_month
            as prorated_net_sales_target

    from dates
    cross join sales_reps
    left join orders_daily
        on
            dates.date_day = orders_daily.report_date
            and sales_reps.sales_rep_id = orders_daily.sales_rep_id
    left join sales_targets
        on
            dates.month_start_date = sales_targets.target_month
            and sales_reps.sales_rep_id = sales_targets.sales_rep_id

),

month_to_date as (

    select
        *,
        sum(net_sales) over (
            partition by sales_rep_id, month_start_date
            order by report_date
            rows between unbounded preceding and current row
        ) as mtd_net_sales

    from daily

),

kpis as (

    select
        *,
        {{ safe_divide('mtd_net_sales', 'prorated_net_sales_target') }} as pct_attainment

    from month_to_date

),

ranked as (

    select
        *,
        rank() over (
            partition by report_date
            order by pct_attainment desc nulls last, mtd_net_sales desc
        ) as leaderboard_rank

    from kpis

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(sales_rep_id as varchar) as sales_rep_id,
        cast(region as varchar) as region,
        cast(team as varchar) as team,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(valid_orders as bigint) as valid_orders,
        cast(mtd_net_sales as decimal(18, 2)) as mtd_net_sales,
        cast(monthly_net_sales_target as double) as monthly_net_sales_target,
        cast(prorated_net_sales_target as double) as prorated_net_sales_target,
        cast(pct_attainment as double) as pct_attainment,
        cast(leaderboard_rank as bigint) as leaderboard_rank

    from ranked
    where report_date >= {{ report_start_date() }}

)

select * from final
