with

staged_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

staged_order_items as (

    select * from {{ ref('int_order_items_priced') }}

),

staged_payments as (

    select * from {{ ref('stg_shop__payments') }}

),

{# an order is rebuilt when its record, a line or a payment of it was loaded since the last build #}
changed_orders as (

    select order_id from staged_orders
    where {{ loaded_since_last_run('loaded_at') }}
    union
    select order_id from staged_order_items
    where {{ loaded_since_last_run('loaded_at') }}
    union
    select order_id from staged_payments
    where {{ loaded_since_last_run('loaded_at') }}

),

orders as (

    select * from staged_orders
    where order_id in (select changed_orders.order_id from changed_orders)

),

order_items as (

    select * from staged_order_items
    where order_id in (select changed_orders.order_id from changed_orders)

),

payments as (

    select * from {{ ref('fct_payments') }}
    where order_id in (select changed_orders.order_id from changed_orders)

),

order_items_summed as (

    select
        order_id,
        sum(gmv) as gmv,
        count(*) as item_count,
        cast(sum(quantity) as bigint) as units,
        max(loaded_at) as loaded_at

    from order_items
    group by order_id

),

payments_summed as (

    select
        order_id,
        sum(charge_amount) as charged_amount,
        sum(refund_amount) as refund_amount,
        max(source_loaded_at) as loaded_at

    from payments
    group by order_id

),

joined as (

    select
        orders.*,
        coalesce(order_items_summed.gmv, 0) as gmv,
        coalesce(order_items_summed.item_count, 0) as item_count,
        coalesce(order_items_summed.units, 0) as units,
        coalesce(payments_summed.charged_amount, 0) as charged_amount,
        coalesce(payments_summed.refund_amount, 0) as refund_amount,
        orders.status not in ('cancelled', 'unavailable') as is_valid,
        greatest(
            orders.loaded_at, order_items_summed.loaded_at, payments_summed.loaded_at
        ) as source_loaded_at

    from orders
    left join order_items_summed
        on orders.order_id = order_items_summed.order_id
    left join payments_summed
        on orders.order_id = payments_summed.order_id

),

final as (

    select
        order_id,
        customer_id,
        {# an optional label the company left empty is reported as unknown in breakdowns #}
        coalesce(sales_channel, 'unknown') as sales_channel,
        session_id,
        campaign_id,
        livestream_id,
        partner_id,
        sales_rep_id,

        status,
        is_valid,
        status = 'cancelled' as is_cancelled,

        gmv,
        discount_amount,
        case when is_valid then gmv - discount_amount else 0 end as net_sales,
        item_count,
        units,
        shipping_cost,
        charged_amount,
        refund_amount,

        ordered_date,
        shipped_date,
        delivered_date,
        cancelled_date,
        promised_delivery_date,
        {# on time compares calendar dates: a delivery any time on the promised day is on time #}
        delivered_date <= promised_delivery_date as is_delivered_on_time,
        date_diff('second', ordered_at, shipped_at) / 3600.0 as order_to_ship_hours,
        date_diff('second', shipped_at, delivered_at) / 3600.0 as ship_to_deliver_hours,
        date_diff('second', ordered_at, shipped_at)
        <= {{ var('shipping_sla_hours') | int }} * 3600 as is_shipped_within_sla,

        ordered_at,
        shipped_at,
        delivered_at,
        cancelled_at,
        updated_at,
        source_loaded_at

    from joined

)

select * from final
