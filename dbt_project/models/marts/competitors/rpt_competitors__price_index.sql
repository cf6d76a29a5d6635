with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_start_date() }}

),

competitor_prices as (

    select * from {{ ref('fct_competitor_prices') }}
    where observed_date >= {{ report_start_date() }}

),

{# every competitor and category observed in the days recomputed, on every one of those days #}
pairs as (

    select distinct
        competitor,
        coalesce(category, 'unknown') as category

    from competitor_prices

),

observed as (

    select
        observed_date as report_date,
        competitor,
        coalesce(category, 'unknown') as category,
        count(*) as observations,
        count(distinct product_id) as products_observed,
        avg(price_index) as avg_price_index,
        count(distinct product_id) filter (
            where is_over_10pct_more_expensive
        ) as products_over_10pct_more_expensive,
        count(*) filter (where is_in_stock) as in_stock_observations

    from competitor_prices
    group by all

),

final as (

    select
        cast(dates.date_day as date) as report_date,
        cast(pairs.competitor as varchar) as competitor,
        cast(pairs.category as varchar) as category,
        cast(coalesce(observed.observations, 0) as bigint) as observations,
        cast(coalesce(observed.products_observed, 0) as bigint) as products_observed,
        cast(observed.avg_price_index as double) as avg_price_index,
        cast(coalesce(observed.products_over_10pct_more_expensive, 0) as bigint)
            as products_over_10pct_more_expensive,
        cast({{ safe_divide('observed.in_stock_observations', 'observed.observations') }} as double)
            as pct_competitor_in_stock

    from dates
    cross join pairs
    left join observed
        on
            dates.date_day = observed.report_date
            and pairs.competitor = observed.competitor
            and pairs.category = observed.category

)

select * from final
