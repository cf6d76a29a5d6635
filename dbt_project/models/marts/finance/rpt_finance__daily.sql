{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'revenue': 'decimal(18, 2)',
    'pct_gross_margin': 'double',
    'operating_cost_per_order': 'double',
    'reconciliation_difference': 'decimal(18, 2)',
} -%}

{#- days read before the first recomputed day: 7-day trends -#}
{%- set history_days = 7 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

gl_entries as (

    select * from {{ ref('fct_gl_entries') }}
    where posted_date >= {{ report_read_from(history_days) }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

order_days as (

    select
        order_id,
        ordered_date

    from {{ ref('fct_orders') }}

),

payments as (

    select * from {{ ref('fct_payments') }}
    where paid_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

ledger_daily as (

    select
        posted_date as report_date,
        sum(amount) filter (where account_type = 'revenue') as revenue,
        sum(amount) filter (where account_type = 'cogs') as cogs,
        sum(amount) filter (where account_type = 'refunds') as ledger_refunds,
        sum(amount) filter (where account_type = 'opex') as opex

    from gl_entries
    group by posted_date

),

{# like-for-like: revenue lines of an order belong to the day the order was placed, lines
   without a known order to their posting day (so they show up as a difference) #}
ledger_revenue_by_order_day as (

    select
        coalesce(order_days.ordered_date, gl_entries.posted_date) as report_date,
        sum(gl_entries.amount) as ledger_order_revenue

    from gl_entries
    left join order_days
        on gl_entries.order_id = order_days.order_id
    where gl_entries.account_type = 'revenue'
    group by coalesce(order_days.ordered_date, gl_entries.posted_date)

),

orders_daily as (

    select
        ordered_date as report_date,
        count(*) filter (where is_valid) as valid_orders,
        sum(net_sales) as ecommerce_net_sales

    from orders
    group by ordered_date

),

payments_daily as (

    select
        paid_date as report_date,
        sum(charge_amount) as cash_collected,
        sum(refund_amount) as refunds_paid

    from payments
    group by paid_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'finance', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(ledger_daily.revenue, 0) as revenue,
        coalesce(ledger_daily.cogs, 0) as cogs,
        coalesce(ledger_daily.ledger_refunds, 0) as ledger_refunds,
        coalesce(ledger_daily.opex, 0) as opex,
        coalesce(orders_daily.valid_orders, 0) as valid_orders,
        coalesce(payments_daily.cash_collected, 0) as cash_collected,
        coalesce(payments_daily.refunds_paid, 0) as refunds_paid,
        coalesce(ledger_revenue_by_order_day.ledger_order_revenue, 0) as ledger_order_revenue,
        coalesce(orders_daily.ecommerce_net_sales, 0) as ecommerce_net_sales

    from dates
    left join ledger_daily
        on dates.date_day = ledger_daily.report_date
    left join ledger_revenue_by_order_day
        on dates.date_day = ledger_revenue_by_order_day.report_date
    left join orders_daily
        on dates.date_day = orders_daily.report_date
    left join payments_daily
        on dates.date_day = payments_daily.report_date

),

kpis as (

    select
        *,
        revenue - cogs as gross_margin,
        {{ safe_divide('revenue - cogs', 'revenue') }} as pct_gross_margin,
        {{ safe_divide('opex', 'valid_orders') }} as operating_cost_per_order,
        ledger_order_revenue - ecommerce_net_sales as reconciliation_difference,
        {{ safe_divide('ledger_order_revenue - ecommerce_net_sales', 'ecommerce_net_sales') }}
            as pct_reconciliation_difference

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
        cast(revenue as decimal(18, 2)) as revenue,
        cast(cogs as decimal(18, 2)) as cogs,
        cast(gross_margin as decimal(18, 2)) as gross_margin,
        cast(pct_gross_margin as double) as pct_gross_margin,
        cast(opex as decimal(18, 2)) as opex,
        cast(valid_orders as bigint) as valid_orders,
        cast(operating_cost_per_order as double) as operating_cost_per_order,
        cast(cash_collected as decimal(18, 2)) as cash_collected,
        cast(refunds_paid as decimal(18, 2)) as refunds_paid,
        cast(ledger_refunds as decimal(18, 2)) as ledger_refunds,
        cast(ledger_order_revenue as decimal(18, 2)) as ledger_order_revenue,
        cast(ecommerce_net_sales as decimal(18, 2)) as ecommerce_net_sales,
        cast(reconciliation_difference as decimal(18, 2)) as reconciliation_difference,
        cast(pct_reconciliation_difference as double) as pct_reconciliation_difference,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
