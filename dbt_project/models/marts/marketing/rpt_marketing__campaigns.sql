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

{# every day of delivery: campaign-to-date spend sums a campaign's whole history #}
ad_spend as (

    select * from {{ ref('fct_ad_spend') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

conversions_daily as (

    select
        ordered_date as report_date,
        campaign_id,
        count(*) as conversions,
        sum(net_sales) as attributed_net_sales

    from orders
    where campaign_id is not null and is_valid
    group by ordered_date, campaign_id

),

{# a campaign's days: its flight, plus any other day it spent or converted #}
campaign_days as (

    select
        dates.date_day as report_date,
        campaigns.campaign_id

    from dates
    inner join campaigns
        on dates.date_day between campaigns.start_date and campaigns.end_date

    union

    select
        ad_spend.spend_date as report_date,
        ad_spend.campaign_id

    from ad_spend
    inner join dates
        on ad_spend.spend_date = dates.date_day

    union

    select
        conversions_daily.report_date,
        conversions_daily.campaign_id

    from conversions_daily
    inner join dates
        on conversions_daily.report_date = dates.date_day

),

spend_to_date as (

    select
        campaign_days.report_date,
        campaign_days.campaign_id,
        sum(ad_spend.spend) as campaign_to_date_spend

    from campaign_days
    inner join ad_spend
        on
            campaign_days.campaign_id = ad_spend.campaign_id
            and campaign_days.report_date >= ad_spend.spend_date
    group by campaign_days.report_date, campaign_days.campaign_id

),

joined as (

    select
        campaign_days.report_date,
        campaign_days.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.platform,
        campaigns.co_marketing_brand,
        coalesce(campaigns.is_co_marketing, false) as is_co_marketing,
        coalesce(
            campaign_days.report_date between campaigns.start_date and campaigns.end_date, false
        ) as is_in_flight,
        coalesce(ad_spend.spend, 0) as spend,
        coalesce(ad_spend.impressions, 0) as impressions,
        coalesce(ad_spend.clicks, 0) as clicks,
        coalesce(conversions_daily.conversions, 0) as conversions,
        coalesce(conversions_daily.attributed_net_sales, 0) as attributed_net_sales,
        campaigns.budget,
        coalesce(spend_to_date.campaign_to_date_spend, 0) as campaign_to_date_spend

    from campaign_days
    left join campaigns
        on campaign_days.campaign_id = campaigns.campaign_id
    left join ad_spend
        on
            campaign_days.campaign_id = ad_spend.campaign_id
            and campaign_days.report_date = ad_spend.spend_date
    left join conversions_daily
        on
            campaign_days.campaign_id = conversions_daily.campaign_id
            and campaign_days.report_date = conversions_daily.report_date
    left join spend_to_date
        on
            campaign_days.campaign_id = spend_to_date.campaign_id
            and campaign_days.report_date = spend_to_date.report_date

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(campaign_id as varchar) as campaign_id,
        cast(campaign_name as varchar) as campaign_name,
        cast(channel as varchar) as channel,
        cast(platform as varchar) as platform,
        cast(co_marketing_brand as varchar) as co_marketing_brand,
        cast(is_co_marketing as boolean) as is_co_marketing,
        cast(is_in_flight as boolean) as is_in_flight,
        cast(spend as decimal(18, 2)) as spend,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast({{ safe_divide('clicks', 'impressions') }} as double) as pct_click_through,
        cast({{ safe_divide('spend', 'clicks') }} as double) as cpc,
        cast(conversions as bigint) as conversions,
        cast({{ safe_divide('spend', 'conversions') }} as double) as cpa,
        cast(attributed_net_sales as decimal(18, 2)) as attributed_net_sales,
        cast({{ safe_divide('attributed_net_sales', 'spend') }} as double) as roas,
        cast(budget as decimal(18, 2)) as budget,
        cast(campaign_to_date_spend as decimal(18, 2)) as campaign_to_date_spend,
        cast({{ safe_divide('campaign_to_date_spend', 'budget') }} as double) as pct_budget_used

    from joined
    where report_date >= {{ report_start_date() }}

)

select * from final
