with

orders as (

    select * from {{ ref('fct_orders') }}

),

payments as (

    select * from {{ ref('fct_payments') }}

),

sessions as (

    select * from {{ ref('fct_web_sessions') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

{# the spine runs from the first to the last day with any business activity; catalogue and account
   creation dates are left out because initial exports can carry years of history #}
activity_dates as (

    select ordered_date as activity_date from orders
    union all
    select shipped_date from orders
    union all
    select delivered_date from orders
    union all
    select cancelled_date from orders
    union all
    select paid_date from payments
    union all
    select session_date from sessions
    union all
    select opened_date from tickets
    union all
    select resolved_date from tickets

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date

    from activity_dates

),

spine as (

    select cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as date_day
    from bounds

),

final as (

    select
        date_day,
        cast(date_trunc('week', date_day) as date) as week_start_date,
        cast(date_trunc('month', date_day) as date) as month_start_date,
        isodow(date_day) as iso_day_of_week,
        dayname(date_day) as day_name,
        isodow(date_day) in (6, 7) as is_weekend

    from spine

)

select * from final
