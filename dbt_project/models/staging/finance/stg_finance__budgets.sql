with

source as (

    select * from {{ source('finance', 'budgets') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by budget_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        budget_id,
        month,
        department,
        category,
        amount,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
