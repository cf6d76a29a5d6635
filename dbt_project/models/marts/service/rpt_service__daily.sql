{#- days read before the first recomputed day: none beyond the day itself -#}
{%- set history_days = 0 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

tickets as (

    select
        *,
        {{ to_local_date('first_response_at') }} as first_response_date,
        {# resolution SLA by priority: urgent and high within 24 h, the rest within 72 h #}
        case when priority in ('urgent', 'high') then 24 else 72 end as resolution_sla_hours

    from {{ ref('fct_support_tickets') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

opened_daily as (

    select
        opened_date as report_date,
        count(*) as tickets_opened,
        count(*) filter (where category = 'complaint') as complaints_opened

    from tickets
    where opened_date >= {{ report_read_from(history_days) }}
    group by opened_date

),

responded_daily as (

    select
        first_response_date as report_date,
        count(*) as tickets_first_responded,
        quantile_cont(first_response_minutes, 0.5) as p50_first_response_minutes,
        quantile_cont(first_response_minutes, 0.9) as p90_first_response_minutes

    from tickets
    where first_response_date >= {{ report_read_from(history_days) }}
    group by first_response_date

),

resolved_daily as (

    select
        resolved_date as report_date,
        count(*) as tickets_resolved,
        count(*) filter (
            where resolution_hours <= resolution_sla_hours
        ) as tickets_resolved_within_sla,
        count(*) filter (where reopen_count > 0) as tickets_reopened,
        quantile_cont(resolution_hours, 0.5) as p50_resolution_hours,
        quantile_cont(resolution_hours, 0.9) as p90_resolution_hours

    from tickets
    where resolved_date >= {{ report_read_from(history_days) }}
    group by resolved_date

),

backlog_daily as (

    select
        dates.date_day as report_date,
        count(*) as backlog_tickets

    from dates
    inner join tickets
        on
            dates.date_day >= tickets.opened_date
            and dates.date_day < coalesce(tickets.resolved_date, date '9999-12-31')
    group by dates.date_day

),

orders_daily as (

    select
        ordered_date as report_date,
        count(*) filter (where is_valid) as valid_orders

    from orders
    group by ordered_date

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(opened_daily.tickets_opened, 0) as tickets_opened,
        coalesce(responded_daily.tickets_first_responded, 0) as tickets_first_responded,
        responded_daily.p50_first_response_minutes,
        responded_daily.p90_first_response_minutes,
        coalesce(resolved_daily.tickets_resolved, 0) as tickets_resolved,
        resolved_daily.p50_resolution_hours,
        resolved_daily.p90_resolution_hours,
        coalesce(resolved_daily.tickets_resolved_within_sla, 0) as tickets_resolved_within_sla,
        coalesce(resolved_daily.tickets_reopened, 0) as tickets_reopened,
        coalesce(backlog_daily.backlog_tickets, 0) as backlog_tickets,
        coalesce(opened_daily.complaints_opened, 0) as complaints_opened,
        coalesce(orders_daily.valid_orders, 0) as valid_orders

    from dates
    left join opened_daily
        on dates.date_day = opened_daily.report_date
    left join responded_daily
        on dates.date_day = responded_daily.report_date
    left join resolved_daily
        on dates.date_day = resolved_daily.report_date
    left join backlog_daily
        on dates.date_day = backlog_daily.report_date
    left join orders_daily
        on dates.date_day = orders_daily.report_date

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(tickets_opened as bigint) as tickets_opened,
        cast(tickets_first_responded as bigint) as tickets_first_responded,
        cast(p50_first_response_minutes as double) as p50_first_response_minutes,
        cast(p90_first_response_minutes as double) as p90_first_response_minutes,
        cast(tickets_resolved as bigint) as tickets_resolved,
        cast(p50_resolution_hours as double) as p50_resolution_hours,
        cast(p90_resolution_hours as double) as p90_resolution_hours,
        cast(tickets_resolved_within_sla as bigint) as tickets_resolved_within_sla,
        cast({{ safe_divide('tickets_resolved_within_sla', 'tickets_resolved') }} as double)
            as pct_resolved_within_sla,
        cast(tickets_reopened as bigint) as tickets_reopened,
        cast({{ safe_divide('tickets_reopened', 'tickets_resolved') }} as double) as pct_reopened,
        cast(backlog_tickets as bigint) as backlog_tickets,
        cast(complaints_opened as bigint) as complaints_opened,
        cast(valid_orders as bigint) as valid_orders,
        cast(1000 * {{ safe_divide('complaints_opened', 'valid_orders') }} as double)
            as complaints_per_1000_orders

    from daily
    where report_date >= {{ report_start_date() }}

)

select * from final
