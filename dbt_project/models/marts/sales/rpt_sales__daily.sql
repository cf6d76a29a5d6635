{#- headline KPIs with the type of their <kpi>_prev_day column (top_channel is text: no trend) -#}
{%- set headline_kpis = {
    'net_sales': 'decimal(18, 2)',
    'pct_attainment': 'double',
    'new_customers_won': 'bigint',
} -%}

{#- days read before the first recomputed day: month to date (30 days back), then 7-day trends -#}
{%- set history_days = 38 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

by_channel as (

    select * from {{ ref('rpt_sales__by_channel') }}
    where report_date >= {{ report_read_from(history_days) }}

),

sales_targets as (

    select * from {{ ref('fct_sales_targets') }}
    where target_level = 'company'

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

channels_daily as (

    select
        report_date,
        sum(net_sales) as net_sales,
        sum(valid_orders) as valid_orders,
        sum(new_customers_won) as new_customers_won,
        sum(net_sales) filter (where sales_channel = 'partner') as partner_net_sales,
        sum(valid_orders) filter (where sales_channel = 'partner') as partner_orders,
        first(sales_channel order by net_sales desc, sales_channel asc) filter (where net_sales > 0)
            as top_channel

    from by_channel
    group by report_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'sales', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        dates.month_start_date,
        coalesce(channels_daily.net_sales, 0) as net_sales,
        coalesce(channels_daily.valid_orders, 0) as valid_orders,
        coalesce(channels_daily.new_customers_won, 0) as new_customers_won,
        coalesce(channels_daily.partner_net_sales, 0) as partner_net_sales,
        coalesce(channels_daily.partner_orders, 0) as partner_orders,
        channels_daily.top_channel,
        sales_targets.net_sales_target as monthly_net_sales_target,
        sales_targets.net_sales_target * day(dates.date_day) / sales_targets.days_in_month
            as prorated_net_sales_target

    from dates
    left join channels_daily
        on dates.date_day = channels_daily.report_date
    left join sales_targets
        on dates.month_start_date = sales_targets.target_month

),

month_to_date as (

    select
        *,
        sum(net_sales) over (
            partition by month_start_date
            order by report_date
            rows between unbounded preceding and current row
        ) as mtd_net_sales

    from daily

),

kpis as (

    select
        *,
        {{ safe_divide('mtd_net_sales', 'prorated_net_sales_target') }} as pct_attainment,
        {{ safe_divide('partner_net_sales', 'net_sales') }} as pct_partner_net_sales

    from month_to_date

),

trended as (

    select
        kpis.*,
        {{ kpi_trend_columns(headline_kpis) }}

    from kpis
    cross join targets

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(valid_orders as bigint) as valid_orders,
        cast(mtd_net_sales as decimal(18, 2)) as mtd_net_sales,
        cast(monthly_net_sales_target as double) as monthly_net_sales_target,
        cast(prorated_net_sales_target as double) as prorated_net_sales_target,
        cast(pct_attainment as double) as pct_attainment,
        cast(new_customers_won as bigint) as new_customers_won,
        cast(partner_net_sales as decimal(18, 2)) as partner_net_sales,
        cast(partner_orders as bigint) as partner_orders,
        cast(pct_partner_net_sales as double) as pct_partner_net_sales,
        cast(top_channel as varchar) as top_channel,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
