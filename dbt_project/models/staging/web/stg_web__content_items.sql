with

source as (

    select * from {{ source('web', 'content_items') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by content_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        content_id,
        page,
        title,
        content_type,
        topic,

        {{ to_local_date('published_at') }} as published_date,

        published_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
