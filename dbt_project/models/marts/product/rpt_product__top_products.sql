{#- days read before the first recomputed day: the prior 7 days ranked for the rank change -#}
{%- set history_days = 7 -%}

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

product_sales_daily as (

    select
        ordered_date as report_date,
        product_id,
        sum(quantity) as units_sold,
        sum(net_sales) as net_sales

    from order_lines
    where is_valid_order
    group by all

),

ranked_today as (

    select
        *,
        row_number() over (
            partition by report_date order by net_sales desc, product_id asc
        ) as sales_rank

    from product_sales_daily

),

prior_7_days_sales as (

    select
        dates.date_day as report_date,
        product_sales_daily.product_id,
        sum(product_sales_daily.net_sales) as net_sales

    from dates
    inner join product_sales_daily
        on product_sales_daily.report_date between dates.date_day - 7 and dates.date_day - 1
    group by all

),

ranked_prior_7_days as (

    select
        *,
        row_number() over (
            partition by report_date order by net_sales desc, product_id asc
        ) as sales_rank

    from prior_7_days_sales

),

top_products as (

    select
        ranked_today.report_date,
        ranked_today.sales_rank,
        ranked_today.product_id,
        products.product_name,
        products.category,
        ranked_today.units_sold,
        ranked_today.net_sales,
        ranked_prior_7_days.sales_rank as prior_7d_sales_rank,
        ranked_prior_7_days.sales_rank - ranked_today.sales_rank as sales_rank_change

    from ranked_today
    left join ranked_prior_7_days
        on
            ranked_today.report_date = ranked_prior_7_days.report_date
            and ranked_today.product_id = ranked_prior_7_days.product_id
    left join products
        on ranked_today.product_id = products.product_id
    where ranked_today.sales_rank <= 10

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(sales_rank as bigint) as sales_rank,
        cast(product_id as varchar) as product_id,
        cast(product_name as varchar) as product_name,
        cast(category as varchar) as category,
        cast(units_sold as bigint) as units_sold,
        cast(net_sales as decimal(18, 2)) as net_sales,
        cast(prior_7d_sales_rank as bigint) as prior_7d_sales_rank,
        cast(sales_rank_change as bigint) as sales_rank_change

    from top_products
    where report_date >= {{ report_start_date() }}

)

select * from final
