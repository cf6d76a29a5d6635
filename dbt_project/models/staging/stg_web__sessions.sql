with

source as (

    select * from {{ source('web', 'web_sessions') }}

),

deduplicated as (

    select * from source
    qualify row_number() over (
        partition by session_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        session_id,
        visitor_id,
        customer_id,
        campaign_id,

        device,
        traffic_channel,
        landing_page,

        page_views,
        add_to_cart_events,

        {{ to_local_date('started_at') }} as session_date,

        started_at,
        ended_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from deduplicated

)

select * from renamed
