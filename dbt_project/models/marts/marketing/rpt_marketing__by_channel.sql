{#- days read before the first recomputed day (no trailing windows; a week of margin) -#}
{%- set history_days = 7 -%}

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

channels as (

    select distinct channel from campaigns

),

spend_daily as (

    select
        spend_date as report_date,
        channel,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks

    from ad_spend
    group by spend_date, channel

),

conversions_daily as (

    select
        orders.ordered_date as report_date,
        campaigns.channel,
        count(*) as conversions,
        sum(orders.net_sales) as attributed_net_sales

    from orders
    inner join campaigns
        on orders.campaign_id = campaigns.campaign_id
    where orders.is_valid
    group by orders.ordered_date, campaigns.channel

),

{# every day of the spine times every channel with a campaign, so charts get explicit zeros #}
grid as (

    select
        dates.date_day as report_date,
        channels.channel

    from dates
    cross join channels

),

joined as (

    select
        grid.report_date,
        grid.channel,
        coalesce(spend_daily.spend, 0) as spend,
        coalesce(spend_daily.impressions, 0) as impressions,
        coalesce(spend_daily.clicks, 0) as clicks,
        coalesce(conversions_daily.conversions, 0) as conversions,
        coalesce(conversions_daily.attributed_net_sales, 0) as attributed_net_sales

    from grid
    left join spend_daily
        on
            grid.report_date = spend_daily.report_date
            and grid.channel = spend_daily.channel
    left join conversions_daily
        on
            grid.report_date = conversions_daily.report_date
            and grid.channel = conversions_daily.channel

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(channel as varchar) as channel,
        cast(spend as decimal(18, 2)) as spend,
        cast({{ safe_divide('spend', 'sum(spend) over (partition by report_date)') }} as double)
            as pct_spend_share,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast({{ safe_divide('clicks', 'impressions') }} as double) as pct_click_through,
        cast(conversions as bigint) as conversions,
        cast({{ safe_divide('spend', 'conversions') }} as double) as cpa,
        cast(attributed_net_sales as decimal(18, 2)) as attributed_net_sales,
        cast({{ safe_divide('attributed_net_sales', 'spend') }} as double) as roas

    from joined
    where report_date >= {{ report_start_date() }}

)

select * from final
