with

source as (

    select * from {{ source('sales', 'sales_targets') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by target_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        target_id,
        target_month,
        target_level,
        sales_channel,
        region,
        sales_rep_id,
        net_sales_target,
        new_customers_target,

        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
