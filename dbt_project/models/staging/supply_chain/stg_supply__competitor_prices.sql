with

source as (

    select * from {{ source('supply_chain', 'competitor_prices') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by observation_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        observation_id,
        competitor,
        product_id,
        price,
        in_stock,

        {{ to_local_date('observed_at') }} as observed_date,

        observed_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
