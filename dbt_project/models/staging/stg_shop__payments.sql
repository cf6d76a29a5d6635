with

source as (

    select * from {{ source('shop', 'payments') }}

),

deduplicated as (

    select * from source
    qualify row_number() over (
        partition by payment_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        payment_id,
        order_id,

        payment_type,
        payment_method,

        amount,

        {{ to_local_date('paid_at') }} as paid_date,

        paid_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from deduplicated

)

select * from renamed
