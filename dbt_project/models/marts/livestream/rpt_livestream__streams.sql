{#- days read before the first recomputed day: none, each stream stands alone -#}
with

livestreams as (

    select * from {{ ref('fct_livestreams') }}
    where started_date >= {{ report_start_date() }}

),

final as (

    select
        cast(started_date as date) as report_date,
        cast(livestream_id as varchar) as livestream_id,
        cast(platform as varchar) as platform,
        cast(featured_category as varchar) as featured_category,
        cast(started_at as timestamp) as started_at,
        cast(ended_at as timestamp) as ended_at,
        cast(stream_hours as double) as stream_hours,
        cast(peak_concurrent_viewers as bigint) as peak_concurrent_viewers,
        cast(avg_concurrent_viewers as double) as avg_concurrent_viewers,
        cast(unique_viewers as bigint) as unique_viewers,
        cast(watch_minutes as bigint) as watch_minutes,
        cast({{ safe_divide('watch_minutes', 'unique_viewers') }} as double) as avg_watch_minutes,
        cast({{ safe_divide('comments + likes', 'unique_viewers') }} as double)
            as engagement_per_viewer,
        cast(new_followers as bigint) as new_followers,
        cast(attributed_orders as bigint) as attributed_orders,
        cast(attributed_valid_orders as bigint) as attributed_valid_orders,
        cast(attributed_net_sales as decimal(18, 2)) as stream_gmv,
        cast({{ safe_divide('attributed_valid_orders', 'unique_viewers') }} as double)
            as pct_conversion,
        cast(buffering_seconds as bigint) as buffering_seconds,
        cast({{ safe_divide('buffering_seconds', 'stream_hours') }} as double)
            as buffering_seconds_per_hour,
        cast(interruptions as bigint) as interruptions

    from livestreams

)

select * from final
