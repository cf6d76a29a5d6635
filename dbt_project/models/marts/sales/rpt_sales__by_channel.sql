with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_start_date() }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_start_date() }}

),

customers as (

    select * from {{ ref('dim_customers') }}
    where first_valid_order_date >= {{ report_start_date() }}

),

channels as (

    select distinct sales_channel from {{ ref('fct_orders') }}

),

{# a customer is won by the channel of their first valid order: the earliest of that first day #}
first_orders as (

    select
        orders.ordered_date,
        orders.sales_channel

    from orders
    inner join customers
        on
            orders.customer_id = customers.customer_id
            and orders.ordered_date = customers.first_valid_order_date
    where orders.is_valid
    qualify row_number() over (
        partition by orders.customer_id
        order by orders.ordered_at, orders.order_id
    ) = 1

),

orders_daily as (

    select
        ordered_date as report_date,
        sales_channel,
        sum(net_sales) as net_sales,
        count(*) filter (where is_valid) as valid_orders

    from orders
    group by ordered_date, sales_channel

),

new_customers_daily as (

    select
        ordered_date as report_date,
        sales_channel,
        count(*) as new_customers_won

    from first_orders
    group by ordered_date, sales_channel

),

grid as (

    select
        dates.date_day as report_date,
        channels.sales_channel

    from dates
    cross join channels

),

joined as (

    select
        grid.report_date,
        grid.sales_channel,
        coalesce(orders_daily.net_sales, 0) as net_sales,
        coalesce(orders_daily.valid_orders, 0) as valid_orders,
        coalesce(new_customers_daily.new_customers_won, 0) as new_customers_won

    from grid
    left join orders_daily
        on
            grid.report_date = orders_daily.report_date
            and grid.sales_channel = orders_daily.sales_channel
    left join new_customers_daily
        on
            grid.report_date = new_customers_daily.report_date
            and grid.sales_channel = new_customers_daily.sales_channel

),

shares as (

    select
        *,
        {{ safe_divide('net_sales', 'sum(net_sales) over (partition by report_date)') }}
            as pct_net_sales_share

    from joined

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(sales_channel as varchar) as sales_channel,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(valid_orders as bigint) as valid_orders,
        cast(new_customers_won as bigint) as new_customers_won,
        cast(pct_net_sales_share as double) as pct_net_sales_share

    from shares

)

select * from final
