with

source as (

    select * from {{ source('supply_chain', 'purchase_orders') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by po_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        po_id,
        supplier_id,
        product_id,
        status,
        qty_ordered,
        qty_received,
        unit_cost,
        expected_date,

        {{ to_local_date('ordered_at') }} as ordered_date,
        {{ to_local_date('received_at') }} as received_date,

        ordered_at,
        received_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
