with

source as (

    select * from {{ source('web', 'content_views') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by view_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        view_id,
        content_id,
        session_id,
        read_seconds,
        shares,
        product_clicks,

        {{ to_local_date('viewed_at') }} as viewed_date,

        viewed_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
