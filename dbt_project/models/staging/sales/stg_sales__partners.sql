with

source as (

    select * from {{ source('sales', 'partners') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by partner_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        partner_id,
        partner_name,
        partner_type,
        region,
        sales_rep_id,
        commission_rate,
        signed_date,
        is_active,

        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
