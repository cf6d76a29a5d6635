with

content_items as (

    select * from {{ ref('stg_web__content_items') }}

),

final as (

    select
        content_id,
        page,
        title,
        content_type,
        topic,
        published_date,
        published_at,
        updated_at

    from content_items

)

select * from final
