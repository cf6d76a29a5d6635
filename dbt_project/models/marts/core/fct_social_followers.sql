with

followers as (

    select * from {{ ref('stg_marketing__social_followers') }}

),

final as (

    select
        snapshot_id,
        platform,
        snapshot_date,
        followers,
        followers_gained,
        followers_lost,
        followers_gained - followers_lost as net_follower_growth,
        exported_date,
        loaded_at

    from followers

)

select * from final
