with

dates as (

    select * from {{ ref('dim_dates') }}

),

followers as (

    select * from {{ ref('fct_social_followers') }}

),

platforms as (

    select
        platform,
        min(snapshot_date) as first_snapshot_date

    from followers
    group by platform

),

{# every day of the spine from a platform's first snapshot on #}
grid as (

    select
        dates.date_day,
        platforms.platform

    from dates
    inner join platforms
        on dates.date_day >= platforms.first_snapshot_date

),

joined as (

    select
        grid.date_day,
        grid.platform,
        followers.snapshot_date is not null as has_snapshot,
        followers.followers,
        coalesce(followers.followers_gained, 0) as followers_gained,
        coalesce(followers.followers_lost, 0) as followers_lost,
        coalesce(followers.net_follower_growth, 0) as net_follower_growth

    from grid
    left join followers
        on
            grid.platform = followers.platform
            and grid.date_day = followers.snapshot_date

),

final as (

    select
        date_day,
        platform,
        has_snapshot,
        last_value(followers ignore nulls) over (
            partition by platform
            order by date_day
            rows between unbounded preceding and current row
        ) as followers,
        followers_gained,
        followers_lost,
        net_follower_growth

    from joined

)

select * from final
