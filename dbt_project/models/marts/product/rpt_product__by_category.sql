{#- days read before the first recomputed day: the 30-day return window -#}
{%- set history_days = 30 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

products as (

    select * from {{ ref('dim_products') }}

),

order_lines as (

    select * from {{ ref('int_product_lines_discounted') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

returns as (

    select * from {{ ref('fct_returns') }}
    where received_date >= {{ report_read_from(history_days) }}

),

reviews as (

    {# a review of a whole order names no product: it counts per day, not per category #}
    select * from {{ ref('fct_reviews') }}
    where
        reviewed_date >= {{ report_read_from(history_days) }}
        and product_id is not null

),

categories as (

    select coalesce(category, 'unknown') as category from products
    union
    select coalesce(category, 'unknown') as category from order_lines
    union
    select coalesce(category, 'unknown') as category from returns
    union
    select coalesce(category, 'unknown') as category from reviews

),

sales_daily as (

    select
        ordered_date as report_date,
        coalesce(category, 'unknown') as category,
        sum(quantity) filter (where is_valid_order) as units_sold,
        sum(net_sales) as net_sales

    from order_lines
    group by all

),

returns_daily as (

    select
        received_date as report_date,
        coalesce(category, 'unknown') as category,
        sum(quantity) as units_returned

    from returns
    group by all

),

reviews_daily as (

    select
        reviewed_date as report_date,
        coalesce(category, 'unknown') as category,
        avg(rating) as avg_rating,
        count(*) as review_count

    from reviews
    group by all

),

daily as (

    select
        dates.date_day as report_date,
        categories.category,
        coalesce(sales_daily.units_sold, 0) as units_sold,
        coalesce(sales_daily.net_sales, 0) as net_sales,
        coalesce(returns_daily.units_returned, 0) as units_returned,
        reviews_daily.avg_rating,
        coalesce(reviews_daily.review_count, 0) as review_count

    from dates
    cross join categories
    left join sales_daily
        on
            dates.date_day = sales_daily.report_date
            and categories.category = sales_daily.category
    left join returns_daily
        on
            dates.date_day = returns_daily.report_date
            and categories.category = returns_daily.category
    left join reviews_daily
        on
            dates.date_day = reviews_daily.report_date
            and categories.category = reviews_daily.category

),

kpis as (

    select
        *,
        {{ safe_divide('net_sales', 'sum(net_sales) over same_day') }} as pct_net_sales_share,
        {{ safe_divide(
            'sum(units_returned) over trailing_30_days',
            'sum(units_sold) over trailing_30_days'
        ) }} as pct_returned

    from daily
    window
        same_day as (partition by report_date),
        trailing_30_days as (
            partition by category
            order by report_date range between interval 29 days preceding and current row
        )

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(category as varchar) as category,
        cast(units_sold as bigint) as units_sold,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(pct_net_sales_share as double) as pct_net_sales_share,
        cast(units_returned as bigint) as units_returned,
        cast(pct_returned as double) as pct_returned,
        cast(avg_rating as double) as avg_rating,
        cast(review_count as bigint) as review_count

    from kpis
    where report_date >= {{ report_start_date() }}

)

select * from final
