with

content_views as (

    select * from {{ ref('stg_web__content_views') }}

),

final as (

    select
        view_id,
        content_id,
        session_id,
        read_seconds,
        shares,
        product_clicks,
        product_clicks > 0 as has_product_click,
        viewed_date,
        viewed_at

    from content_views

)

select * from final
