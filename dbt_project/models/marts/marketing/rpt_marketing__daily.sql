{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'spend': 'decimal(18, 2)',
    'roas': 'double',
    'cpa': 'double',
    'conversions': 'bigint',
} -%}

{#- days read before the first recomputed day: 7-day trends, then a week of margin -#}
{%- set history_days = 14 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

ad_spend as (

    select * from {{ ref('fct_ad_spend') }}
    where spend_date >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

{# an order counts for the campaign it names; valid ones are conversions #}
attributed_orders as (

    select
        orders.ordered_date,
        orders.net_sales,
        coalesce(campaigns.is_co_marketing, false) as is_co_marketing

    from orders
    left join campaigns
        on orders.campaign_id = campaigns.campaign_id
    where orders.campaign_id is not null and orders.is_valid

),

spend_daily as (

    select
        spend_date as report_date,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(spend) filter (where is_co_marketing) as co_marketing_spend

    from ad_spend
    group by spend_date

),

conversions_daily as (

    select
        ordered_date as report_date,
        count(*) as conversions,
        sum(net_sales) as attributed_net_sales,
        count(*) filter (where is_co_marketing) as co_marketing_conversions,
        sum(net_sales) filter (where is_co_marketing) as co_marketing_attributed_net_sales

    from attributed_orders
    group by ordered_date

),

campaigns_daily as (

    select
        dates.date_day as report_date,
        count(*) as campaigns_active

    from dates
    inner join campaigns
        on dates.date_day between campaigns.start_date and campaigns.end_date
    group by dates.date_day

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'marketing', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(spend_daily.spend, 0) as spend,
        coalesce(spend_daily.impressions, 0) as impressions,
        coalesce(spend_daily.clicks, 0) as clicks,
        coalesce(conversions_daily.conversions, 0) as conversions,
        coalesce(conversions_daily.attributed_net_sales, 0) as attributed_net_sales,
        coalesce(campaigns_daily.campaigns_active, 0) as campaigns_active,
        coalesce(spend_daily.co_marketing_spend, 0) as co_marketing_spend,
        coalesce(conversions_daily.co_marketing_conversions, 0) as co_marketing_conversions,
        coalesce(conversions_daily.co_marketing_attributed_net_sales, 0)
            as co_marketing_attributed_net_sales

    from dates
    left join spend_daily
        on dates.date_day = spend_daily.report_date
    left join conversions_daily
        on dates.date_day = conversions_daily.report_date
    left join campaigns_daily
        on dates.date_day = campaigns_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('clicks', 'impressions') }} as pct_click_through,
        {{ safe_divide('spend', 'clicks') }} as cpc,
        {{ safe_divide('spend', 'conversions') }} as cpa,
        {{ safe_divide('attributed_net_sales', 'spend') }} as roas,
        {{ safe_divide('co_marketing_attributed_net_sales', 'co_marketing_spend') }}
            as co_marketing_roas

    from daily

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
        cast(spend as decimal(18, 2)) as spend,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(pct_click_through as double) as pct_click_through,
        cast(cpc as double) as cpc,
        cast(conversions as bigint) as conversions,
        cast(cpa as double) as cpa,
        cast(attributed_net_sales as decimal(18, 2)) as attributed_net_sales,
        cast(roas as double) as roas,
        cast(campaigns_active as bigint) as campaigns_active,
        cast(co_marketing_spend as decimal(18, 2)) as co_marketing_spend,
        cast(co_marketing_conversions as bigint) as co_marketing_conversions,
        cast(co_marketing_attributed_net_sales as decimal(18, 2))
            as co_marketing_attributed_net_sales,
        cast(co_marketing_roas as double) as co_marketing_roas,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
