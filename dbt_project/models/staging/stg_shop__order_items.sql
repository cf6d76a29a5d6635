with

source as (

    select * from {{ source('shop', 'order_items') }}

),

deduplicated as (

    select * from source
    qualify row_number() over (
        partition by order_item_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        order_item_id,
        order_id,
        product_id,

        quantity,
        unit_price,

        _ds as exported_date,
        _loaded_at as loaded_at

    from deduplicated

)

select * from renamed
