with

sessions as (

    select * from {{ ref('stg_web__sessions') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

orders_per_session as (

    select
        session_id,
        count(*) as orders,
        count(*) filter (where is_valid) as valid_orders

    from orders
    where session_id is not null
    group by session_id

),

final as (

    select
        sessions.session_id,
        sessions.visitor_id,
        sessions.customer_id,
        sessions.campaign_id,
        sessions.device,
        sessions.traffic_channel,
        sessions.landing_page,
        sessions.page_views,
        sessions.add_to_cart_events,
        date_diff('second', sessions.started_at, sessions.ended_at) as session_duration_seconds,
        sessions.add_to_cart_events > 0 as has_add_to_cart,
        sessions.page_views = 1 as is_bounce,
        coalesce(orders_per_session.orders, 0) > 0 as has_order,
        coalesce(orders_per_session.valid_orders, 0) > 0 as has_valid_order,
        sessions.session_date,
        sessions.started_at,
        sessions.ended_at

    from sessions
    left join orders_per_session
        on sessions.session_id = orders_per_session.session_id

)

select * from final
