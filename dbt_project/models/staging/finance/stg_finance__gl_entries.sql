with

source as (

    select * from {{ source('finance', 'gl_entries') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by entry_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        entry_id,
        posted_date,
        account,
        department,
        amount,
        order_id,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
