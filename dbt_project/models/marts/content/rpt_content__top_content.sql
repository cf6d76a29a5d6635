{#- days read before the first recomputed day: none, every row describes its own day -#}
{%- set history_days = 0 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

content_items as (

    select * from {{ ref('dim_content_items') }}

),

content_views as (

    select * from {{ ref('fct_content_views') }}
    where viewed_date >= {{ report_read_from(history_days) }}

),

assisted_orders as (

    select * from {{ ref('fct_content_assisted_orders') }}
    where ordered_date >= {{ report_read_from(history_days) }}

),

views_per_item as (

    select
        viewed_date as report_date,
        content_id,
        count(*) as views,  -- noqa: RF04
        avg(read_seconds) as avg_read_seconds,
        sum(shares) as shares,  -- noqa: RF04
        sum(product_clicks) as product_clicks

    from content_views
    group by viewed_date, content_id

),

assisted_per_item as (

    select
        ordered_date as report_date,
        content_id,
        count(*) filter (where is_valid) as assisted_orders,
        sum(net_sales) as assisted_net_sales

    from assisted_orders
    group by ordered_date, content_id

),

items_per_day as (

    select
        dates.date_day as report_date,
        content_items.content_id,
        content_items.title,
        content_items.content_type,
        content_items.topic

    from dates
    inner join content_items
        on dates.date_day >= content_items.published_date

),

joined as (

    select
        items_per_day.*,
        coalesce(views_per_item.views, 0) as views,  -- noqa: RF04
        views_per_item.avg_read_seconds,
        coalesce(views_per_item.shares, 0) as shares,  -- noqa: RF04
        coalesce(views_per_item.product_clicks, 0) as product_clicks,
        coalesce(assisted_per_item.assisted_orders, 0) as assisted_orders,
        coalesce(assisted_per_item.assisted_net_sales, 0) as assisted_net_sales

    from items_per_day
    left join views_per_item
        on
            items_per_day.report_date = views_per_item.report_date
            and items_per_day.content_id = views_per_item.content_id
    left join assisted_per_item
        on
            items_per_day.report_date = assisted_per_item.report_date
            and items_per_day.content_id = assisted_per_item.content_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by report_date order by views desc, content_id asc
        ) as views_rank,
        row_number() over (
            partition by report_date order by assisted_net_sales desc, content_id asc
        ) as assisted_net_sales_rank

    from joined

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(content_id as varchar) as content_id,
        cast(title as varchar) as title,
        cast(content_type as varchar) as content_type,
        cast(topic as varchar) as topic,
        cast(views as bigint) as views,  -- noqa: RF04
        cast(avg_read_seconds as double) as avg_read_seconds,
        cast(shares as bigint) as shares,  -- noqa: RF04
        cast(product_clicks as bigint) as product_clicks,
        cast(assisted_orders as bigint) as assisted_orders,
        cast(assisted_net_sales as decimal(18, 2)) as assisted_net_sales,
        cast(views_rank as bigint) as views_rank,
        cast(assisted_net_sales_rank as bigint) as assisted_net_sales_rank

    from ranked
    where report_date >= {{ report_start_date() }}

)

select * from final
