{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'pct_shipped_within_sla': 'double',
    'p90_order_to_ship_hours': 'double',
    'backlog_orders': 'bigint',
    'pct_delivered_on_time': 'double',
} -%}

{#- days read before the first recomputed day: 7-day trends -#}
{%- set history_days = 7 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

returns as (

    select * from {{ ref('fct_returns') }}
    where received_date >= {{ report_read_from(history_days) }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}
    where opened_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

placed_daily as (

    select
        ordered_date as report_date,
        count(*) filter (where is_valid) as valid_orders

    from orders
    where ordered_date >= {{ report_read_from(history_days) }}
    group by ordered_date

),

shipped_daily as (

    select
        shipped_date as report_date,
        count(*) as orders_shipped,
        count(*) filter (where is_shipped_within_sla) as orders_shipped_within_sla,
        quantile_cont(order_to_ship_hours, 0.5) as p50_order_to_ship_hours,
        quantile_cont(order_to_ship_hours, 0.9) as p90_order_to_ship_hours

    from orders
    where shipped_date >= {{ report_read_from(history_days) }}
    group by shipped_date

),

delivered_daily as (

    select
        delivered_date as report_date,
        count(*) as orders_delivered,
        count(is_delivered_on_time) as orders_delivered_with_promise,
        count(*) filter (where is_delivered_on_time) as orders_delivered_on_time,
        quantile_cont(ship_to_deliver_hours, 0.5) as p50_ship_to_deliver_hours,
        quantile_cont(ship_to_deliver_hours, 0.9) as p90_ship_to_deliver_hours

    from orders
    where delivered_date >= {{ report_read_from(history_days) }}
    group by delivered_date

),

unshipped_orders as (

    {# valid at the end of a day: never unavailable, and not cancelled by then; a cancelled
       order without a recorded cancellation day leaves the backlog the day it was placed,
       i.e. is never in it (KPIS.md: the backlog holds valid orders only) #}
    select
        order_id,
        ordered_date,
        least(
            coalesce(shipped_date, date '9999-12-31'),
            coalesce(
                cancelled_date,
                case when is_valid then date '9999-12-31' else ordered_date end
            )
        ) as left_backlog_date

    from orders
    where status != 'unavailable'

),

backlog_daily as (

    select
        dates.date_day as report_date,
        count(*) as backlog_orders

    from dates
    inner join unshipped_orders
        on
            dates.date_day >= unshipped_orders.ordered_date
            and dates.date_day < unshipped_orders.left_backlog_date
    group by dates.date_day

),

defects_daily as (

    select
        received_date as report_date,
        count(distinct order_id) as defect_orders

    from returns
    where is_process_defect
    group by received_date

),

tickets_daily as (

    select
        opened_date as report_date,
        count(*) as tickets_opened

    from tickets
    group by opened_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'process', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(shipped_daily.orders_shipped, 0) as orders_shipped,
        coalesce(shipped_daily.orders_shipped_within_sla, 0) as orders_shipped_within_sla,
        shipped_daily.p50_order_to_ship_hours,
        shipped_daily.p90_order_to_ship_hours,
        coalesce(delivered_daily.orders_delivered, 0) as orders_delivered,
        coalesce(delivered_daily.orders_delivered_with_promise, 0)
            as orders_delivered_with_promise,
        coalesce(delivered_daily.orders_delivered_on_time, 0) as orders_delivered_on_time,
        delivered_daily.p50_ship_to_deliver_hours,
        delivered_daily.p90_ship_to_deliver_hours,
        coalesce(backlog_daily.backlog_orders, 0) as backlog_orders,
        coalesce(defects_daily.defect_orders, 0) as defect_orders,
        coalesce(tickets_daily.tickets_opened, 0) as tickets_opened,
        coalesce(placed_daily.valid_orders, 0) as valid_orders

    from dates
    left join placed_daily
        on dates.date_day = placed_daily.report_date
    left join shipped_daily
        on dates.date_day = shipped_daily.report_date
    left join delivered_daily
        on dates.date_day = delivered_daily.report_date
    left join backlog_daily
        on dates.date_day = backlog_daily.report_date
    left join defects_daily
        on dates.date_day = defects_daily.report_date
    left join tickets_daily
        on dates.date_day = tickets_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('orders_shipped_within_sla', 'orders_shipped') }}
            as pct_shipped_within_sla,
        {{ safe_divide('orders_delivered_on_time', 'orders_delivered_with_promise') }}
            as pct_delivered_on_time,
        {{ if_delivered('returns', safe_divide('defect_orders', 'orders_delivered')) }}
            as pct_process_defects,
        {{ if_delivered(
            'support_tickets', '100 * ' ~ safe_divide('tickets_opened', 'valid_orders')
        ) }} as tickets_per_100_orders

    from daily

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
        cast(orders_shipped as bigint) as orders_shipped,
        cast(orders_shipped_within_sla as bigint) as orders_shipped_within_sla,
        cast(pct_shipped_within_sla as double) as pct_shipped_within_sla,
        cast(p50_order_to_ship_hours as double) as p50_order_to_ship_hours,
        cast(p90_order_to_ship_hours as double) as p90_order_to_ship_hours,
        cast(orders_delivered as bigint) as orders_delivered,
        cast(orders_delivered_with_promise as bigint) as orders_delivered_with_promise,
        cast(orders_delivered_on_time as bigint) as orders_delivered_on_time,
        cast(pct_delivered_on_time as double) as pct_delivered_on_time,
        cast(p50_ship_to_deliver_hours as double) as p50_ship_to_deliver_hours,
        cast(p90_ship_to_deliver_hours as double) as p90_ship_to_deliver_hours,
        cast(backlog_orders as bigint) as backlog_orders,
        cast(defect_orders as bigint) as defect_orders,
        cast(pct_process_defects as double) as pct_process_defects,
        cast(tickets_opened as bigint) as tickets_opened,
        cast(valid_orders as bigint) as valid_orders,
        cast(tickets_per_100_orders as double) as tickets_per_100_orders,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
