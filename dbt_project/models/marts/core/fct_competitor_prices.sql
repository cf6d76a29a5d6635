with

competitor_prices as (

    select * from {{ ref('stg_supply__competitor_prices') }}

),

product_changes as (

    select * from {{ ref('fct_product_changes') }}

),

priced as (

    select
        competitor_prices.observation_id,
        competitor_prices.competitor,
        competitor_prices.product_id,
        product_changes.category,
        competitor_prices.in_stock as is_in_stock,

        competitor_prices.price as competitor_price,
        product_changes.list_price as our_price,

        competitor_prices.observed_date,
        competitor_prices.observed_at

    from competitor_prices
    left join product_changes
        on
            competitor_prices.product_id = product_changes.product_id
            and competitor_prices.observed_date >= product_changes.valid_from_date
            and competitor_prices.observed_date
            < coalesce(product_changes.valid_to_date, date '9999-12-31')

),

final as (

    select
        *,
        {{ safe_divide('our_price', 'competitor_price') }} as price_index,
        {# more than 10 % more expensive: our price above 1.1 × theirs #}
        our_price > competitor_price * 1.1 as is_over_10pct_more_expensive

    from priced

)

select * from final
