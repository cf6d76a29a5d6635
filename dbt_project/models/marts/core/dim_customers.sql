with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

customer_order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}

),

order_history as (

    select
        customer_id,
        min(order_date) as first_valid_order_date,
        min(order_date) filter (where is_first_repeat_day) as second_valid_order_date,
        max(order_date) as last_valid_order_date,
        cast(sum(valid_orders) as bigint) as lifetime_valid_orders,
        sum(net_sales) as lifetime_net_sales

    from customer_order_days
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.country,
        customers.region,
        customers.signup_channel,
        customers.has_marketing_consent,
        order_history.first_valid_order_date,
        order_history.second_valid_order_date,
        order_history.last_valid_order_date,
        coalesce(order_history.lifetime_valid_orders, 0) as lifetime_valid_orders,
        coalesce(order_history.lifetime_net_sales, 0) as lifetime_net_sales,
        customers.created_date,
        customers.created_at,
        customers.updated_at

    from customers
    left join order_history
        on customers.customer_id = order_history.customer_id

)

select * from final
