with

source as (

    select * from {{ source('supply_chain', 'shipments') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by shipment_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        shipment_id,
        order_id,
        carrier,
        status,
        promised_delivery_date,
        shipping_cost,

        {{ to_local_date('shipped_at') }} as shipped_date,
        {{ to_local_date('delivered_at') }} as delivered_date,

        shipped_at,
        delivered_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
