with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_start_date() }}

),

payments as (

    select * from {{ ref('fct_payments') }}

),

charges as (

    select * from payments
    where not is_refund and paid_date >= {{ report_start_date() }}

),

{# every method ever charged (all days), so an incremental run equals a full refresh #}
payment_methods as (

    select distinct payment_method from payments
    where not is_refund

),

charges_daily as (

    select
        paid_date as report_date,
        payment_method,
        sum(charge_amount) as payment_amount

    from charges
    group by paid_date, payment_method

),

{# every day of the spine times every method ever charged, so charts get explicit zeros #}
grid as (

    select
        dates.date_day as report_date,
        payment_methods.payment_method

    from dates
    cross join payment_methods

),

joined as (

    select
        grid.report_date,
        grid.payment_method,
        coalesce(charges_daily.payment_amount, 0) as payment_amount

    from grid
    left join charges_daily
        on
            grid.report_date = charges_daily.report_date
            and grid.payment_method = charges_daily.payment_method

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(payment_method as varchar) as payment_method,
        cast(payment_amount as decimal(18, 2)) as payment_amount,
        {{ safe_divide('payment_amount', 'sum(payment_amount) over (partition by report_date)') }}
            as pct_payment_value

    from joined

)

select * from final
