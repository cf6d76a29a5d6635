with

product_versions as (

    select * from {{ ref('stg_shop__product_versions') }}

),

sequenced as (

    select
        *,
        lag(list_price) over product_history as previous_list_price,
        lead(updated_date) over product_history as next_updated_date,
        row_number() over product_history as version_number

    from product_versions
    window product_history as (partition by product_id order by updated_at)

),

final as (

    select
        product_id,
        updated_at as changed_at,
        version_number,
        category,
        is_active,
        unit_cost,
        list_price,
        previous_list_price,
        coalesce(list_price <> previous_list_price, false) as is_price_change,
        updated_date as changed_date,
        {# a version describes the product at the end of every day from its own day up to,
           not including, the day of the next version #}
        updated_date as valid_from_date,
        next_updated_date as valid_to_date

    from sequenced

)

select * from final
