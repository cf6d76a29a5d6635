with

returns as (

    select * from {{ ref('stg_shop__returns') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

final as (

    select
        returns.return_id,
        returns.order_id,
        returns.order_item_id,
        returns.product_id,
        products.category,
        returns.quantity,
        returns.reason,
        {# a return without a reason is not known to be a process defect #}
        coalesce(returns.reason in ('wrong_item', 'damaged'), false) as is_process_defect,
        returns.refund_amount,
        orders.ordered_date,
        orders.delivered_date,
        returns.requested_date,
        returns.received_date,
        returns.requested_at,
        returns.received_at

    from returns
    left join orders
        on returns.order_id = orders.order_id
    left join products
        on returns.product_id = products.product_id

)

select * from final
