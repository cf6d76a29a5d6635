with

source as (

    select * from {{ source('shop', 'products') }}

),

deduplicated as (

    select * from source
    qualify row_number() over (
        partition by product_id, updated_at
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        product_id,
        sku,
        supplier_id,

        product_name,
        category,
        brand,

        unit_cost,
        list_price,

        is_active,

        {{ to_local_date('launched_at') }} as launched_date,
        {{ to_local_date('updated_at') }} as updated_date,

        launched_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from deduplicated

)

select * from renamed
