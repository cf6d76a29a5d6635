with

orders as (

    select * from {{ ref('fct_orders') }}

),

sessions as (

    select * from {{ ref('fct_web_sessions') }}

),

content_items as (

    select * from {{ ref('dim_content_items') }}

),

final as (

    select
        orders.order_id,
        content_items.content_id,
        orders.session_id,
        orders.is_valid,
        orders.net_sales,
        orders.ordered_date,
        orders.ordered_at

    from orders
    inner join sessions
        on orders.session_id = sessions.session_id
    inner join content_items
        on sessions.landing_page = content_items.page

)

select * from final
