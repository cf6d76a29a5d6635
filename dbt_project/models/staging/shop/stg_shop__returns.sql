with

source as (

    select * from {{ source('shop', 'returns') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by return_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        return_id,
        order_id,
        order_item_id,
        product_id,
        quantity,
        reason,
        refund_amount,

        {{ to_local_date('requested_at') }} as requested_date,
        {{ to_local_date('received_at') }} as received_date,

        requested_at,
        received_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
