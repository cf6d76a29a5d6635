with

source as (

    select * from {{ source('marketing', 'social_posts') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by post_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        post_id,
        platform,
        post_type,
        campaign_id,
        impressions,
        reach,
        likes,
        comments,
        shares,
        clicks,

        {{ to_local_date('published_at') }} as published_date,

        published_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
