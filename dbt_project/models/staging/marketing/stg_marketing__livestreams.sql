with

source as (

    select * from {{ source('marketing', 'livestreams') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by livestream_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        livestream_id,
        platform,
        featured_category,
        peak_concurrent_viewers,
        avg_concurrent_viewers,
        unique_viewers,
        watch_minutes,
        comments,
        likes,
        new_followers,
        buffering_seconds,
        interruptions,

        {{ to_local_date('started_at') }} as started_date,
        {{ to_local_date('ended_at') }} as ended_date,

        started_at,
        ended_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
