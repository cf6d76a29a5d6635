with

source as (

    select * from {{ source('marketing', 'social_followers') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by snapshot_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        snapshot_id,
        platform,
        snapshot_date,
        followers,
        followers_gained,
        followers_lost,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
