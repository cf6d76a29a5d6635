with

source as (

    select * from {{ source('shop', 'reviews') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by review_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        review_id,
        order_id,
        product_id,
        customer_id,
        rating,

        {{ to_local_date('reviewed_at') }} as reviewed_date,

        reviewed_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
