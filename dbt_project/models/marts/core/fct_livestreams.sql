with

livestreams as (

    select * from {{ ref('stg_marketing__livestreams') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where livestream_id is not null

),

orders_per_stream as (

    select
        livestream_id,
        count(*) as attributed_orders,
        count(*) filter (where is_valid) as attributed_valid_orders,
        sum(gmv) as attributed_gmv,
        sum(net_sales) as attributed_net_sales

    from orders
    group by livestream_id

),

final as (

    select
        livestreams.livestream_id,
        livestreams.platform,
        livestreams.featured_category,

        date_diff('second', livestreams.started_at, livestreams.ended_at) / 3600.0
            as stream_hours,
        livestreams.peak_concurrent_viewers,
        livestreams.avg_concurrent_viewers,
        livestreams.unique_viewers,
        livestreams.watch_minutes,
        livestreams.comments,
        livestreams.likes,
        livestreams.new_followers,
        livestreams.buffering_seconds,
        livestreams.interruptions,

        coalesce(orders_per_stream.attributed_orders, 0) as attributed_orders,
        coalesce(orders_per_stream.attributed_valid_orders, 0) as attributed_valid_orders,
        coalesce(orders_per_stream.attributed_gmv, 0) as attributed_gmv,
        coalesce(orders_per_stream.attributed_net_sales, 0) as attributed_net_sales,

        livestreams.started_date,
        livestreams.ended_date,
        livestreams.started_at,
        livestreams.ended_at

    from livestreams
    left join orders_per_stream
        on livestreams.livestream_id = orders_per_stream.livestream_id

)

select * from final
