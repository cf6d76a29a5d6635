{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'pct_engagement': 'double',
    'impressions': 'bigint',
    'net_follower_growth': 'bigint',
    'pct_click_through': 'double',
} -%}

{#- days read before the first recomputed day: 7-day trends, then a week of margin -#}
{%- set history_days = 14 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

followers as (

    select * from {{ ref('int_social_followers_filled') }}
    where date_day >= {{ report_read_from(history_days) }}

),

posts as (

    select * from {{ ref('fct_social_posts') }}
    where published_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

followers_daily as (

    select
        date_day as report_date,
        sum(followers) as followers,
        sum(followers_gained) as followers_gained,
        sum(followers_lost) as followers_lost,
        sum(net_follower_growth) as net_follower_growth

    from followers
    group by date_day

),

posts_daily as (

    select
        published_date as report_date,
        count(*) as posts_published,
        sum(impressions) as impressions,
        sum(reach) as reach,
        sum(engagements) as engagements,
        sum(clicks) as clicks

    from posts
    group by published_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'social', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(followers_daily.followers, 0) as followers,
        coalesce(followers_daily.followers_gained, 0) as followers_gained,
        coalesce(followers_daily.followers_lost, 0) as followers_lost,
        coalesce(followers_daily.net_follower_growth, 0) as net_follower_growth,
        coalesce(posts_daily.posts_published, 0) as posts_published,
        coalesce(posts_daily.impressions, 0) as impressions,
        coalesce(posts_daily.reach, 0) as reach,
        coalesce(posts_daily.engagements, 0) as engagements,
        coalesce(posts_daily.clicks, 0) as clicks

    from dates
    left join followers_daily
        on dates.date_day = followers_daily.report_date
    left join posts_daily
        on dates.date_day = posts_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('engagements', 'impressions') }} as pct_engagement,
        {{ safe_divide('clicks', 'impressions') }} as pct_click_through

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
        cast(followers as bigint) as followers,
        cast(followers_gained as bigint) as followers_gained,
        cast(followers_lost as bigint) as followers_lost,
        cast(net_follower_growth as bigint) as net_follower_growth,
        cast(posts_published as bigint) as posts_published,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach,
        cast(engagements as bigint) as engagements,
        cast(clicks as bigint) as clicks,
        cast(pct_engagement as double) as pct_engagement,
        cast(pct_click_through as double) as pct_click_through,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
