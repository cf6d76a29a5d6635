with

products as (

    select * from {{ ref('stg_shop__products') }}

),

final as (

    select
        product_id,
        sku,
        product_name,
        category,
        brand,
        supplier_id,
        unit_cost,
        list_price,
        is_active,
        launched_date,
        launched_at,
        updated_at

    from products

)

select * from final
