with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

allocated as (

    select
        order_items.order_item_id,
        order_items.order_id,
        order_items.product_id,
        products.category,
        order_items.ordered_date,
        order_items.is_valid_order,
        order_items.quantity,
        order_items.gmv,
        {# the order-level discount is shared by the lines in proportion to their GMV #}
        coalesce(
            orders.discount_amount * {{ safe_divide('order_items.gmv', 'orders.gmv') }}, 0
        ) as allocated_discount_amount

    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    left join products
        on order_items.product_id = products.product_id

),

final as (

    select
        order_item_id,
        order_id,
        product_id,
        category,
        ordered_date,
        is_valid_order,
        quantity,
        gmv,
        allocated_discount_amount,
        case
            when is_valid_order then cast(gmv as double) - allocated_discount_amount else 0
        end as net_sales

    from allocated

)

select * from final
