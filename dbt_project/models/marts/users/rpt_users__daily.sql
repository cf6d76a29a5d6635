{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'new_customers': 'bigint',
    'active_customers': 'bigint',
    'pct_repeat_purchase': 'double',
    'avg_csat_score': 'double',
} -%}
{%- set customer_metrics = [
    'new_customers', 'repeat_customers', 'net_sales', 'active_customers',
    'active_customers_90_days_earlier', 'churned_customers',
] -%}

with

dates as (

    select * from {{ ref('dim_dates') }}

),

customer_order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

{# Customer states at the end of a day are running sums of dated changes derived from each
   customer order day: new and repeat customers and net sales change on the order day; a customer
   is active from an order day until 29 days later or their next order day (+1 then -1); churned
   while their latest valid order is 90 to 119 days old, the same 30-day window that made them
   "active 90 days earlier" (the activity changes shifted by 90 days), so churned customers are a
   subset of those. Every spine day gets a zero change so that each one has a running value. #}
customer_changes as (

    select
        order_date as change_date,
        'new_customers' as metric,
        cast(is_first_order_day as integer) as change_value
    from customer_order_days

    union all

    select
        order_date as change_date,
        'repeat_customers' as metric,
        cast(is_first_repeat_day as integer) as change_value
    from customer_order_days

    union all

    select
        order_date as change_date,
        'net_sales' as metric,
        net_sales as change_value
    from customer_order_days

    union all

    select
        order_date as change_date,
        'active_customers' as metric,
        1 as change_value
    from customer_order_days

    union all

    select
        least(order_date + 30, coalesce(next_order_date, order_date + 30)) as change_date,
        'active_customers' as metric,
        -1 as change_value
    from customer_order_days

    union all

    select
        order_date + 90 as change_date,
        'active_customers_90_days_earlier' as metric,
        1 as change_value
    from customer_order_days

    union all

    select
        least(order_date + 30, coalesce(next_order_date, order_date + 30)) + 90 as change_date,
        'active_customers_90_days_earlier' as metric,
        -1 as change_value
    from customer_order_days

    union all

    select
        order_date + 90 as change_date,
        'churned_customers' as metric,
        1 as change_value
    from customer_order_days
    where next_order_date is null or next_order_date > order_date + 90

    union all

    select
        least(order_date + 120, coalesce(next_order_date, order_date + 120)) as change_date,
        'churned_customers' as metric,
        -1 as change_value
    from customer_order_days
    where next_order_date is null or next_order_date > order_date + 90

    union all

    select
        date_day as change_date,
        'spine' as metric,
        0 as change_value
    from dates

),

customer_changes_daily as (

    select
        {% for metric in customer_metrics -%}
            coalesce(sum(change_value) filter (where metric = '{{ metric }}'), 0) as {{ metric }},
        {% endfor -%}
        change_date
    from customer_changes
    group by change_date

),

customers_daily as (

    select
        {% for metric in customer_metrics -%}
            sum({{ metric }}) over to_date as {{ metric }}_to_date,
        {% endfor -%}
        new_customers,
        change_date as report_date
    from customer_changes_daily
    window to_date as (order by change_date rows between unbounded preceding and current row)

),

tickets_opened_daily as (

    select
        opened_date as report_date,
        count(*) as tickets_opened

    from tickets
    group by opened_date

),

tickets_resolved_daily as (

    select
        resolved_date as report_date,
        count(*) as tickets_resolved,
        avg(csat_score) as avg_csat_score

    from tickets
    where resolved_date is not null
    group by resolved_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'users', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        customers_daily.new_customers,
        customers_daily.active_customers_to_date as active_customers,
        customers_daily.new_customers_to_date as customers_with_order,
        customers_daily.repeat_customers_to_date as repeat_customers,
        customers_daily.churned_customers_to_date as churned_customers,
        customers_daily.active_customers_90_days_earlier_to_date
            as active_customers_90_days_earlier,
        customers_daily.net_sales_to_date,
        coalesce(tickets_opened_daily.tickets_opened, 0) as tickets_opened,
        coalesce(tickets_resolved_daily.tickets_resolved, 0) as tickets_resolved,
        tickets_resolved_daily.avg_csat_score

    from dates
    inner join customers_daily
        on dates.date_day = customers_daily.report_date
    left join tickets_opened_daily
        on dates.date_day = tickets_opened_daily.report_date
    left join tickets_resolved_daily
        on dates.date_day = tickets_resolved_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('repeat_customers', 'customers_with_order') }} as pct_repeat_purchase,
        {{ safe_divide('churned_customers', 'active_customers_90_days_earlier') }} as pct_churn,
        {{ safe_divide('net_sales_to_date', 'customers_with_order') }}
            as avg_customer_lifetime_value

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
        cast(new_customers as bigint) as new_customers,
        cast(active_customers as bigint) as active_customers,
        cast(customers_with_order as bigint) as customers_with_order,
        cast(repeat_customers as bigint) as repeat_customers,
        cast(pct_repeat_purchase as double) as pct_repeat_purchase,
        cast(churned_customers as bigint) as churned_customers,
        cast(pct_churn as double) as pct_churn,
        cast(avg_customer_lifetime_value as double) as avg_customer_lifetime_value,
        cast(tickets_opened as bigint) as tickets_opened,
        cast(tickets_resolved as bigint) as tickets_resolved,
        cast(avg_csat_score as double) as avg_csat_score,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended

)

select * from final
