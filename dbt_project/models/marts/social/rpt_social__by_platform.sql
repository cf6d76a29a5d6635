{#- days read before the first recomputed day (no trailing windows; a week of margin) -#}
{%- set history_days = 7 -%}

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

{# every platform with an account or a post, so the platforms add up to the daily mart #}
platforms as (

    select platform from followers
    union
    select platform from posts

),

posts_daily as (

    select
        published_date as report_date,
        platform,
        count(*) as posts_published,
        sum(impressions) as impressions,
        sum(reach) as reach,
        sum(engagements) as engagements,
        sum(clicks) as clicks

    from posts
    group by published_date, platform

),

grid as (

    select
        dates.date_day as report_date,
        platforms.platform

    from dates
    cross join platforms

),

joined as (

    select
        grid.report_date,
        grid.platform,
        coalesce(followers.followers, 0) as followers,
        coalesce(followers.net_follower_growth, 0) as net_follower_growth,
        coalesce(posts_daily.posts_published, 0) as posts_published,
        coalesce(posts_daily.impressions, 0) as impressions,
        coalesce(posts_daily.reach, 0) as reach,
        coalesce(posts_daily.engagements, 0) as engagements,
        coalesce(posts_daily.clicks, 0) as clicks

    from grid
    left join followers
        on
            grid.report_date = followers.date_day
            and grid.platform = followers.platform
    left join posts_daily
        on
            grid.report_date = posts_daily.report_date
            and grid.platform = posts_daily.platform

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(platform as varchar) as platform,
        cast(followers as bigint) as followers,
        cast(net_follower_growth as bigint) as net_follower_growth,
        cast(posts_published as bigint) as posts_published,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach,
        cast(engagements as bigint) as engagements,
        cast(clicks as bigint) as clicks,
        cast({{ safe_divide('engagements', 'impressions') }} as double) as pct_engagement,
        cast({{ safe_divide('clicks', 'impressions') }} as double) as pct_click_through

    from joined
    where report_date >= {{ report_start_date() }}

)

select * from final
