{#- days read before the first recomputed day: none, every row describes its own day -#}
{%- set history_days = 0 -%}

with

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

activity as (

    select
        content_views.viewed_date as report_date,
        content_views.content_id,
        1 as view_count,
        content_views.read_seconds,
        0 as assisted_orders,
        0 as assisted_net_sales

    from content_views

    union all

    select
        assisted_orders.ordered_date as report_date,
        assisted_orders.content_id,
        0 as view_count,
        null as read_seconds,
        case when assisted_orders.is_valid then 1 else 0 end as assisted_orders,
        assisted_orders.net_sales as assisted_net_sales

    from assisted_orders

),

activity_with_item as (

    select
        activity.*,
        content_items.content_type,
        content_items.topic

    from activity
    inner join content_items
        on activity.content_id = content_items.content_id

),

activity_by_dimension as (

    select
        *,
        'content_type' as dimension,
        content_type as dimension_value

    from activity_with_item

    union all

    select
        *,
        'topic' as dimension,
        topic as dimension_value

    from activity_with_item

),

aggregated as (

    select
        report_date,
        dimension,
        coalesce(dimension_value, 'unknown') as dimension_value,
        sum(view_count) as view_count,
        avg(read_seconds) as avg_read_seconds,
        sum(assisted_orders) as assisted_orders,
        sum(assisted_net_sales) as assisted_net_sales

    from activity_by_dimension
    group by all

),

kpis as (

    select
        *,
        {{ safe_divide(
            'view_count', 'sum(view_count) over (partition by report_date, dimension)'
        ) }} as pct_views

    from aggregated

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(dimension as varchar) as dimension,
        cast(dimension_value as varchar) as dimension_value,
        cast(dimension || ': ' || dimension_value as varchar) as segment,
        cast(view_count as bigint) as views,  -- noqa: RF04
        cast(pct_views as double) as pct_views,
        cast(avg_read_seconds as double) as avg_read_seconds,
        cast(assisted_orders as bigint) as assisted_orders,
        cast(assisted_net_sales as decimal(18, 2)) as assisted_net_sales

    from kpis
    where report_date >= {{ report_start_date() }}

)

select * from final
