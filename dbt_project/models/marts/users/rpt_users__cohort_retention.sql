{#- retention months shown and cohort months per report day (the report month and 12 before) -#}
{%- set retention_months = [1, 2, 3, 6] -%}
{%- set cohort_months_shown = 12 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_start_date() }}

),

{# the oldest cohort any recomputed day shows; a cohort's retention only needs its own
   customers' order days from the cohort month on #}
history_start as (

    select
        cast(
            date_trunc('month', {{ report_start_date() }})
            - interval {{ cohort_months_shown }} month as date
        ) as first_cohort_month

),

customers as (

    select * from {{ ref('dim_customers') }}
    where first_valid_order_date >= (select history_start.first_cohort_month from history_start)

),

customer_order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}
    where order_date >= (select history_start.first_cohort_month from history_start)

),

cohort_members as (

    select
        {% for month in retention_months -%}
            min(customer_order_days.order_date) filter (
                where date_trunc('month', customer_order_days.order_date)
                = date_trunc('month', customers.first_valid_order_date)
                + interval {{ month }} month
            ) as month_{{ month }}_order_date,
        {% endfor -%}
        customers.customer_id,
        customers.first_valid_order_date,
        cast(date_trunc('month', customers.first_valid_order_date) as date) as cohort_month
    from customers
    left join customer_order_days
        on customers.customer_id = customer_order_days.customer_id
    group by customers.customer_id, customers.first_valid_order_date

),

{# dated changes of each cohort: +1 customer on the first order day, +1 retained in month k on
   the customer's first order day of month k #}
cohort_changes as (

    select
        cohort_month,
        first_valid_order_date as change_date,
        'cohort_customers' as metric
    from cohort_members

    {% for month in retention_months -%}
        union all

        select
            cohort_month,
            month_{{ month }}_order_date as change_date,
            'month_{{ month }}_customers' as metric
        from cohort_members
        where month_{{ month }}_order_date is not null

    {% endfor %}
),

cohort_changes_daily as (

    select
        {% for month in retention_months -%}
            count(*) filter (where metric = 'month_{{ month }}_customers')
                as month_{{ month }}_customers,
        {% endfor -%}
        count(*) filter (where metric = 'cohort_customers') as cohort_customers,
        cohort_month,
        change_date
    from cohort_changes
    group by cohort_month, change_date

),

cohorts_to_date as (

    select
        {% for month in retention_months -%}
            sum(cohort_changes_daily.month_{{ month }}_customers) as month_{{ month }}_customers,
        {% endfor -%}
        sum(cohort_changes_daily.cohort_customers) as cohort_customers,
        dates.date_day as report_date,
        cohort_changes_daily.cohort_month
    from dates
    inner join cohort_changes_daily
        on
            dates.date_day >= cohort_changes_daily.change_date
            and cohort_changes_daily.cohort_month
            >= date_trunc('month', dates.date_day) - interval {{ cohort_months_shown }} month
    group by dates.date_day, cohort_changes_daily.cohort_month

),

retention as (

    select
        {% for month in retention_months -%}
            case
                when report_date >= cohort_month + interval {{ month }} month
                    then {{ safe_divide('month_' ~ month ~ '_customers', 'cohort_customers') }}
            end as pct_retained_month_{{ month }},
        {% endfor -%}
        *
    from cohorts_to_date

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(cohort_month as date) as cohort_month,
        cast(strftime(cohort_month, '%Y-%m') as varchar) as cohort_label,
        {% for month in retention_months -%}
            cast(month_{{ month }}_customers as bigint) as month_{{ month }}_customers,
            cast(pct_retained_month_{{ month }} as double) as pct_retained_month_{{ month }},
        {% endfor -%}
        cast(cohort_customers as bigint) as cohort_customers
    from retention

)

select * from final
