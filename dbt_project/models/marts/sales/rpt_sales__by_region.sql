{#- days read before the first recomputed day: month to date, up to 30 days back -#}
{%- set history_days = 31 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

sales_targets as (

    select * from {{ ref('fct_sales_targets') }}
    where target_level = 'region'

),

regions as (

    select distinct region from customers
    where region is not null

),

orders_daily as (

    select
        orders.ordered_date as report_date,
        customers.region,
        sum(orders.net_sales) as net_sales,
        count(*) filter (where orders.is_valid) as valid_orders

    from orders
    inner join customers
        on orders.customer_id = customers.customer_id
    group by orders.ordered_date, customers.region

),

daily as (

    select
        dates.date_day as report_date,
        dates.month_start_date,
        regions.region,
        coalesce(orders_daily.net_sales, 0) as net_sales,
        coalesce(orders_daily.valid_orders, 0) as valid_orders,
        sales_targets.net_sales_target as monthly_net_sales_target,
        sales_targets.net_sales_target * day(dates.date_day) / sales_targets.days_in_month
            as prorated_net_sales_target

    from dates
    cross join regions
    left join orders_daily
        on
            dates.date_day = orders_daily.report_date
            and regions.region = orders_daily.region
    left join sales_targets
        on
            dates.month_start_date = sales_targets.target_month
            and regions.region = sales_targets.region

),

month_to_date as (

    select
        *,
        sum(net_sales) over (
            partition by region, month_start_date
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

final as (

    select
        cast(report_date as date) as report_date,
        cast(region as varchar) as region,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(valid_orders as bigint) as valid_orders,
        cast(mtd_net_sales as decimal(18, 2)) as mtd_net_sales,
        cast(monthly_net_sales_target as double) as monthly_net_sales_target,
        cast(prorated_net_sales_target as double) as prorated_net_sales_target,
        cast(pct_attainment as double) as pct_attainment

    from kpis
    where report_date >= {{ report_start_date() }}

)

select * from final
