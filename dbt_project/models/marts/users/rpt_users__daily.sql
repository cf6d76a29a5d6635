{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'new_customers': 'bigint',
    'active_customers': 'bigint',
    'pct_repeat_purchase': 'double',
    'avg_csat_score': 'double',
} -%}
{%- set activity_metrics = [
    'active_customers', 'active_customers_90_days_earlier', 'churned_customers',
] -%}

{#- days of customer order days read before the first recomputed day: churn looks at orders
    up to 119 days old, then 7-day trends -#}
{%- set history_days = 127 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(7) }}

),

{# "ever" KPIs (customers with an order, repeat customers, lifetime value) are counted from
   every customer's first and second valid order dates and lifetime net sales: one row per
   customer, read whole, so an incremental run equals a full refresh #}
customers as (

    select * from {{ ref('dim_customers') }}

),

all_customer_order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}

),

customer_order_days as (

    select * from all_customer_order_days
    where order_date >= {{ report_read_from(history_days) }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}
    where
        opened_date >= {{ report_read_from(7) }}
        or resolved_date >= {{ report_read_from(7) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

customer_milestones as (

    select
        first_valid_order_date as milestone_date,
        1 as new_customers,
        0 as repeat_customers
    from customers
    where first_valid_order_date is not null

    union all

    select
        second_valid_order_date as milestone_date,
        0 as new_customers,
        1 as repeat_customers
    from customers
    where second_valid_order_date is not null

),

customer_milestones_daily as (

    select
        milestone_date,
        sum(new_customers) as new_customers,
        sum(repeat_customers) as repeat_customers

    from customer_milestones
    group by milestone_date

),

customers_to_date as (

    select
        dates.date_day as report_date,
        coalesce(sum(customer_milestones_daily.new_customers), 0) as customers_with_order,
        coalesce(sum(customer_milestones_daily.repeat_customers), 0) as repeat_customers,
        coalesce(
            sum(customer_milestones_daily.new_customers)
            filter (where customer_milestones_daily.milestone_date = dates.date_day),
            0
        ) as new_customers

    from dates
    left join customer_milestones_daily
        on dates.date_day >= customer_milestones_daily.milestone_date
    group by dates.date_day

),

{# net sales to date: every valid order placed on or before the day, summed per day first so
   the whole history costs one row per day #}
net_sales_daily as (

    select
        order_date,
        sum(net_sales) as net_sales

    from all_customer_order_days
    group by order_date

),

net_sales_to_date as (

    select
        dates.date_day as report_date,
        coalesce(sum(net_sales_daily.net_sales), 0) as net_sales_to_date

    from dates
    left join net_sales_daily
        on dates.date_day >= net_sales_daily.order_date
    group by dates.date_day

),
{# Activity states at the end of a day are running sums of dated changes derived from each
   customer order day: a customer is active from an order day until 29 days later or their next
   order day (+1 then -1); churned while their latest valid order is 90 to 119 days old, the
   same 30-day window that made them "active 90 days earlier" (the activity changes shifted by
   90 days), so churned customers are a subset of those. An order day's changes cancel out
   within 120 days, so order days from history_days back give exact states for every day read. #}
activity_changes as (

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

activity_changes_daily as (

    select
        {% for metric in activity_metrics -%}
            coalesce(sum(change_value) filter (where metric = '{{ metric }}'), 0) as {{ metric }},
        {% endfor -%}
        change_date
    from activity_changes
    group by change_date

),

activity_daily as (

    select
        {% for metric in activity_metrics -%}
            sum({{ metric }}) over to_date as {{ metric }},
        {% endfor -%}
        change_date as report_date
    from activity_changes_daily
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
        customers_to_date.new_customers,
        activity_daily.active_customers,
        customers_to_date.customers_with_order,
        customers_to_date.repeat_customers,
        activity_daily.churned_customers,
        activity_daily.active_customers_90_days_earlier,
        net_sales_to_date.net_sales_to_date,
        coalesce(tickets_opened_daily.tickets_opened, 0) as tickets_opened,
        coalesce(tickets_resolved_daily.tickets_resolved, 0) as tickets_resolved,
        tickets_resolved_daily.avg_csat_score

    from dates
    inner join customers_to_date
        on dates.date_day = customers_to_date.report_date
    inner join net_sales_to_date
        on dates.date_day = net_sales_to_date.report_date
    inner join activity_daily
        on dates.date_day = activity_daily.report_date
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
    where report_date >= {{ report_start_date() }}

)

select * from final
