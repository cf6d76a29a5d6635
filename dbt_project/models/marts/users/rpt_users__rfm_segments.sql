{%- set segments = [
    'champions', 'loyal', 'new', 'potential loyalists', 'at risk', 'hibernating', 'others',
] -%}

with

{# the day scored: the publication's day (as_of_day_or), else the last day of the spine #}
dates as (

    select * from {{ ref('dim_dates') }}
    where
        date_day = {{ as_of_day_or(
            '(select max(all_dates.date_day) from ' ~ ref('dim_dates') ~ ' as all_dates)'
        ) }}

),

{# frequency and monetary are lifetime values: every customer order day is read #}
customer_order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}

),

customer_order_days_to_date as (

    select
        customer_id,
        order_date,
        next_order_date,
        valid_orders_to_date,
        sum(net_sales) over (
            partition by customer_id
            order by order_date
            rows between unbounded preceding and current row
        ) as net_sales_to_date

    from customer_order_days

),

{# each customer's latest order day as of the report day #}
customers_as_of_day as (

    select
        dates.date_day as report_date,
        customer_order_days_to_date.customer_id,
        dates.date_day - customer_order_days_to_date.order_date as recency_days,
        customer_order_days_to_date.valid_orders_to_date as frequency,
        customer_order_days_to_date.net_sales_to_date as monetary

    from dates
    inner join customer_order_days_to_date
        on
            dates.date_day >= customer_order_days_to_date.order_date
            and coalesce(customer_order_days_to_date.next_order_date, date '9999-12-31')
            > dates.date_day

),

quintiles as (

    select
        *,
        ntile(5) over (partition by report_date order by recency_days desc) as recency_ntile,
        ntile(5) over (partition by report_date order by frequency) as frequency_ntile,
        ntile(5) over (partition by report_date order by monetary) as monetary_ntile

    from customers_as_of_day

),

{# ntile splits ties arbitrarily: customers tied on a value all get the lowest quintile any of
   them got, so scores do not depend on row order #}
scored as (

    select
        *,
        min(recency_ntile) over (partition by report_date, recency_days) as recency_score,
        min(frequency_ntile) over (partition by report_date, frequency) as frequency_score,
        min(monetary_ntile) over (partition by report_date, monetary) as monetary_score

    from quintiles

),

segmented as (

    select
        *,
        case
            when recency_score >= 4 and frequency_score >= 4 then 'champions'
            when recency_score >= 3 and frequency_score >= 3 then 'loyal'
            when recency_score >= 4 and frequency_score = 1 then 'new'
            when recency_score >= 3 then 'potential loyalists'
            when frequency_score >= 3 then 'at risk'
            when recency_score = 1 then 'hibernating'
            else 'others'
        end as segment

    from scored

),

segments_daily as (

    select
        report_date,
        segment,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(recency_days) as avg_recency_days,
        avg(frequency) as avg_frequency,
        avg(monetary) as avg_monetary,
        avg(recency_score) as avg_recency_score,
        avg(frequency_score) as avg_frequency_score,
        avg(monetary_score) as avg_monetary_score

    from segmented
    group by report_date, segment

),

segment_names as (

    select
        segment_values.segment,
        segment_values.segment_rank

    from (
        values
        {% for segment in segments -%}
            ('{{ segment }}', {{ loop.index }}){{ "," if not loop.last }}
        {% endfor %}
    ) as segment_values (segment, segment_rank)

),

{# every segment every day, with 0 customers where none falls in it #}
grid as (

    select
        dates.date_day as report_date,
        segment_names.segment,
        segment_names.segment_rank

    from dates
    cross join segment_names

),

joined as (

    select
        grid.report_date,
        grid.segment,
        grid.segment_rank,
        coalesce(segments_daily.customers, 0) as customers,
        coalesce(segments_daily.revenue, 0) as revenue,
        segments_daily.avg_recency_days,
        segments_daily.avg_frequency,
        segments_daily.avg_monetary,
        segments_daily.avg_recency_score,
        segments_daily.avg_frequency_score,
        segments_daily.avg_monetary_score

    from grid
    left join segments_daily
        on
            grid.report_date = segments_daily.report_date
            and grid.segment = segments_daily.segment

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(segment as varchar) as segment,
        cast(segment_rank as integer) as segment_rank,
        cast(customers as bigint) as customers,
        cast(
            {{ safe_divide('customers', 'sum(customers) over (partition by report_date)') }}
            as double
        ) as pct_customers,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(avg_recency_days as double) as avg_recency_days,
        cast(avg_frequency as double) as avg_frequency,
        cast(avg_monetary as double) as avg_monetary,
        cast(avg_recency_score as double) as avg_recency_score,
        cast(avg_frequency_score as double) as avg_frequency_score,
        cast(avg_monetary_score as double) as avg_monetary_score

    from joined

)

select * from final
