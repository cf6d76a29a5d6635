with

posts as (

    select * from {{ ref('stg_marketing__social_posts') }}

),

final as (

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
        likes + comments + shares as engagements,
        clicks,
        published_date,
        published_at,
        exported_date,
        loaded_at

    from posts

)

select * from final
