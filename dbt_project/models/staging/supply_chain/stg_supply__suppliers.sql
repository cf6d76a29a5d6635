with

source as (

    select * from {{ source('supply_chain', 'suppliers') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by supplier_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        supplier_id,
        supplier_name,
        country,
        lead_time_days,
        payment_terms_days,
        is_active,

        {{ to_local_date('created_at') }} as created_date,

        created_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
