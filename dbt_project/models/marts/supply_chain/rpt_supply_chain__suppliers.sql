with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_start_date() }}

),

suppliers as (

    select * from {{ ref('dim_suppliers') }}

),

purchase_orders as (

    select * from {{ ref('fct_purchase_orders') }}
    where
        expected_date >= {{ report_start_date() }}
        or coalesce(received_date, date '9999-12-31') >= {{ report_start_date() }}

),

supplier_days as (

    select
        dates.date_day as report_date,
        suppliers.supplier_id,
        suppliers.supplier_name,
        suppliers.lead_time_days as agreed_lead_time_days

    from dates
    cross join suppliers

),

due as (

    select
        supplier_id,
        expected_date as report_date,
        count(*) as purchase_orders_due,
        count(*) filter (where is_otif) as purchase_orders_otif

    from purchase_orders
    group by supplier_id, expected_date

),

received as (

    select
        supplier_id,
        received_date as report_date,
        count(*) as purchase_orders_received,
        sum(qty_received) as units_received,
        avg(lead_time_days) as avg_lead_time_days

    from purchase_orders
    where is_received
    group by supplier_id, received_date

),

{# open at the end of the day: ordered on or before it and not received by then #}
open_orders as (

    select
        supplier_days.supplier_id,
        supplier_days.report_date,
        count(*) as open_purchase_orders,
        count(*) filter (
            where purchase_orders.expected_date < supplier_days.report_date
        ) as overdue_purchase_orders

    from supplier_days
    inner join purchase_orders
        on
            supplier_days.supplier_id = purchase_orders.supplier_id
            and supplier_days.report_date >= purchase_orders.ordered_date
            and supplier_days.report_date
            < coalesce(purchase_orders.received_date, date '9999-12-31')
    group by supplier_days.supplier_id, supplier_days.report_date

),

final as (

    select
        cast(supplier_days.report_date as date) as report_date,
        cast(supplier_days.supplier_id as varchar) as supplier_id,
        cast(supplier_days.supplier_name as varchar) as supplier_name,
        cast(supplier_days.agreed_lead_time_days as bigint) as agreed_lead_time_days,
        cast(coalesce(due.purchase_orders_due, 0) as bigint) as purchase_orders_due,
        cast(coalesce(due.purchase_orders_otif, 0) as bigint) as purchase_orders_otif,
        cast({{ safe_divide('due.purchase_orders_otif', 'due.purchase_orders_due') }} as double)
            as pct_otif,
        cast(coalesce(received.purchase_orders_received, 0) as bigint) as purchase_orders_received,
        cast(coalesce(received.units_received, 0) as bigint) as units_received,
        cast(received.avg_lead_time_days as double) as avg_lead_time_days,
        cast(coalesce(open_orders.open_purchase_orders, 0) as bigint) as open_purchase_orders,
        cast(coalesce(open_orders.overdue_purchase_orders, 0) as bigint) as overdue_purchase_orders

    from supplier_days
    left join due
        on
            supplier_days.supplier_id = due.supplier_id
            and supplier_days.report_date = due.report_date
    left join received
        on
            supplier_days.supplier_id = received.supplier_id
            and supplier_days.report_date = received.report_date
    left join open_orders
        on
            supplier_days.supplier_id = open_orders.supplier_id
            and supplier_days.report_date = open_orders.report_date

)

select * from final
