with

source as (

    select * from {{ source('supply_chain', 'inventory_snapshots') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by snapshot_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        snapshot_id,
        snapshot_date,
        product_id,
        on_hand,
        on_order,
        units_received,
        units_returned,
        units_shipped,
        unit_cost,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
