{# every customer with a valid order is counted as new exactly once, on the day of their first
   valid order #}
with

report as (

    select * from {{ ref('rpt_users__daily') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

first_orders as (

    select
        customer_id,
        min(ordered_date) as first_valid_order_date

    from orders
    where is_valid
    group by customer_id

),

first_orders_daily as (

    select
        first_valid_order_date,
        count(*) as new_customers

    from first_orders
    group by first_valid_order_date

),

compared as (

    select
        coalesce(report.report_date, first_orders_daily.first_valid_order_date) as report_date,
        report.new_customers as report_new_customers,
        coalesce(first_orders_daily.new_customers, 0) as orders_new_customers

    from report
    full outer join first_orders_daily
        on report.report_date = first_orders_daily.first_valid_order_date

),

final as (

    select * from compared
    where report_new_customers is distinct from orders_new_customers

)

select * from final
