with

source as (

    select * from {{ source('sales', 'sales_reps') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by sales_rep_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        sales_rep_id,
        region,
        team,
        hired_date,
        is_active,

        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
