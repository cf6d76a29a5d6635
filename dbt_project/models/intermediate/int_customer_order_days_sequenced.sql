with

orders as (

    select * from {{ ref('fct_orders') }}

),

customer_order_days as (

    select
        customer_id,
        ordered_date as order_date,
        count(*) as valid_orders,
        sum(net_sales) as net_sales

    from orders
    where is_valid
    group by customer_id, ordered_date

),

sequenced as (

    select
        customer_id,
        order_date,
        valid_orders,
        net_sales,
        row_number() over customer_history as order_day_number,
        cast(sum(valid_orders) over (
            customer_history rows between unbounded preceding and current row
        ) as bigint) as valid_orders_to_date,
        lag(order_date) over customer_history as previous_order_date,
        lead(order_date) over customer_history as next_order_date

    from customer_order_days
    window customer_history as (partition by customer_id order by order_date)

),

final as (

    select
        *,
        order_day_number = 1 as is_first_order_day,
        valid_orders_to_date >= 2 and valid_orders_to_date - valid_orders < 2
            as is_first_repeat_day

    from sequenced

)

select * from final
