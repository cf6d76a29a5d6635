{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'pct_supplier_otif': 'double',
    'pct_stockout': 'double',
    'days_of_inventory': 'double',
    'pct_fill_rate': 'double',
} -%}

{#- days read before the first recomputed day: a 30-day COGS window, then 7-day trends -#}
{%- set history_days = 37 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

purchase_orders as (

    select * from {{ ref('fct_purchase_orders') }}
    where
        expected_date >= {{ report_read_from(history_days) }}
        or received_date >= {{ report_read_from(history_days) }}

),

inventory as (

    select * from {{ ref('fct_inventory_daily') }}
    where snapshot_date >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

shipments as (

    select * from {{ ref('fct_shipments') }}
    where shipped_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

purchase_orders_due as (

    select
        expected_date as report_date,
        count(*) as purchase_orders_due,
        count(*) filter (where is_otif) as purchase_orders_otif

    from purchase_orders
    group by expected_date

),

purchase_orders_received as (

    select
        received_date as report_date,
        count(*) as purchase_orders_received,
        sum(qty_received) as po_units_received,
        avg(lead_time_days) as avg_po_lead_time_days

    from purchase_orders
    where is_received
    group by received_date

),

inventory_daily as (

    select
        snapshot_date as report_date,
        count(*) filter (where is_active_product) as active_products,
        count(*) filter (where is_active_product and is_stocked_out) as stocked_out_products,
        sum(inventory_value) as inventory_value,
        sum(cogs_amount) as cogs_amount,
        sum(units_shipped) as inventory_units_shipped

    from inventory
    group by snapshot_date

),

{# fill rate: of the units customers ordered that day (their own cancellations left out), the
   share not found unavailable; an order still to ship counts as filled until found
   unavailable, which happens within hours, so the newest day (orders mostly ship tomorrow)
   is not read off the few orders already resolved #}
fill_daily as (

    select
        ordered_date as report_date,
        sum(units) filter (where status != 'cancelled') as customer_units_ordered,
        sum(units) filter (where shipped_date is not null) as customer_units_shipped,
        sum(units) filter (where status = 'unavailable') as customer_units_unavailable

    from orders
    group by ordered_date

),

shipments_daily as (

    select
        shipped_date as report_date,
        count(*) as shipped_orders,
        sum(shipping_cost) as shipping_cost

    from shipments
    group by shipped_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'supply_chain', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(purchase_orders_due.purchase_orders_due, 0) as purchase_orders_due,
        coalesce(purchase_orders_due.purchase_orders_otif, 0) as purchase_orders_otif,
        coalesce(purchase_orders_received.purchase_orders_received, 0) as purchase_orders_received,
        coalesce(purchase_orders_received.po_units_received, 0) as po_units_received,
        purchase_orders_received.avg_po_lead_time_days,
        coalesce(fill_daily.customer_units_ordered, 0) as customer_units_ordered,
        coalesce(fill_daily.customer_units_shipped, 0) as customer_units_shipped,
        coalesce(fill_daily.customer_units_unavailable, 0) as customer_units_unavailable,
        coalesce(inventory_daily.active_products, 0) as active_products,
        coalesce(inventory_daily.stocked_out_products, 0) as stocked_out_products,
        inventory_daily.inventory_value,
        coalesce(inventory_daily.cogs_amount, 0) as cogs_amount,
        coalesce(inventory_daily.inventory_units_shipped, 0) as inventory_units_shipped,
        coalesce(shipments_daily.shipped_orders, 0) as shipped_orders,
        coalesce(shipments_daily.shipping_cost, 0) as shipping_cost

    from dates
    left join purchase_orders_due
        on dates.date_day = purchase_orders_due.report_date
    left join purchase_orders_received
        on dates.date_day = purchase_orders_received.report_date
    left join inventory_daily
        on dates.date_day = inventory_daily.report_date
    left join fill_daily
        on dates.date_day = fill_daily.report_date
    left join shipments_daily
        on dates.date_day = shipments_daily.report_date

),

cogs_averaged as (

    select
        *,
        avg(cogs_amount) over (
            order by report_date range between interval 29 days preceding and current row
        ) as avg_daily_cogs_30d

    from daily

),

kpis as (

    select
        *,
        {{ safe_divide('purchase_orders_otif', 'purchase_orders_due') }} as pct_supplier_otif,
        {{ safe_divide('stocked_out_products', 'active_products') }} as pct_stockout,
        {{ safe_divide('inventory_value', 'avg_daily_cogs_30d') }} as days_of_inventory,
        {{ safe_divide('avg_daily_cogs_30d * 365', 'inventory_value') }}
            as inventory_turnover_annualised,
        {{ safe_divide(
            'customer_units_ordered - customer_units_unavailable', 'customer_units_ordered'
        ) }} as pct_fill_rate,
        {{ safe_divide('shipping_cost', 'shipped_orders') }} as logistics_cost_per_order

    from cogs_averaged

),

trended as (

    select
        kpis.*,
        {{ kpi_trend_columns(headline_kpis) }}

    from kpis
    cross join targets

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(purchase_orders_due as bigint) as purchase_orders_due,
        cast(purchase_orders_otif as bigint) as purchase_orders_otif,
        cast(pct_supplier_otif as double) as pct_supplier_otif,
        cast(purchase_orders_received as bigint) as purchase_orders_received,
        cast(po_units_received as bigint) as po_units_received,
        cast(avg_po_lead_time_days as double) as avg_po_lead_time_days,
        cast(active_products as bigint) as active_products,
        cast(stocked_out_products as bigint) as stocked_out_products,
        cast(pct_stockout as double) as pct_stockout,
        cast(inventory_value as decimal(18, 2)) as inventory_value,
        cast(inventory_units_shipped as bigint) as inventory_units_shipped,
        cast(cogs_amount as decimal(18, 2)) as cogs_amount,
        cast(avg_daily_cogs_30d as double) as avg_daily_cogs_30d,
        cast(days_of_inventory as double) as days_of_inventory,
        cast(inventory_turnover_annualised as double) as inventory_turnover_annualised,
        cast(customer_units_ordered as bigint) as customer_units_ordered,
        cast(customer_units_shipped as bigint) as customer_units_shipped,
        cast(pct_fill_rate as double) as pct_fill_rate,
        cast(shipped_orders as bigint) as shipped_orders,
        cast(shipping_cost as decimal(18, 2)) as shipping_cost,
        cast(logistics_cost_per_order as double) as logistics_cost_per_order,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
