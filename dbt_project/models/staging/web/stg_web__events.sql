with

source as (

    select * from {{ source('web', 'web_events') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by event_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        event_id,
        session_id,
        visitor_id,
        event_type,
        page,
        product_id,
        order_id,

        {{ to_local_date('occurred_at') }} as occurred_date,

        occurred_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
