with

staged_sessions as (

    select * from {{ ref('stg_web__sessions') }}

),

all_orders as (

    select * from {{ ref('fct_orders') }}

),

{# a session is rebuilt when it was loaded, or an order naming it changed, since the last build #}
changed_sessions as (

    select session_id from staged_sessions
    where {{ loaded_since_last_run('loaded_at') }}
    union
    select session_id from all_orders
    where {{ loaded_since_last_run('source_loaded_at') }} and session_id is not null

),

sessions as (

    select * from staged_sessions
    where session_id in (select changed_sessions.session_id from changed_sessions)

),

orders as (

    select * from all_orders
    where session_id in (select changed_sessions.session_id from changed_sessions)

),

orders_per_session as (

    select
        session_id,
        count(*) as orders,
        count(*) filter (where is_valid) as valid_orders,
        max(source_loaded_at) as source_loaded_at

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
        sessions.ended_at,
        greatest(sessions.loaded_at, orders_per_session.source_loaded_at) as source_loaded_at

    from sessions
    left join orders_per_session
        on sessions.session_id = orders_per_session.session_id

)

select * from final
