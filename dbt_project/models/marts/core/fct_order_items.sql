with

order_items as (

    select * from {{ ref('int_order_items_priced') }}

),

{# lines are rebuilt with their order, which carries the status they depend on #}
orders as (

    select * from {{ ref('fct_orders') }}
    where {{ loaded_since_last_run('source_loaded_at') }}

),

final as (

    select
        order_items.order_item_id,
        order_items.order_id,
        order_items.product_id,
        orders.customer_id,
        orders.ordered_date,
        orders.status as order_status,
        orders.is_valid as is_valid_order,
        order_items.quantity,
        order_items.unit_price,
        order_items.gmv,
        orders.source_loaded_at

    from order_items
    inner join orders
        on order_items.order_id = orders.order_id

)

select * from final
