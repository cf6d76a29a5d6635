with

source as (

    select * from {{ source('marketing', 'campaigns') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by campaign_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        campaign_id,
        campaign_name,
        channel,
        platform,
        budget,
        start_date,
        end_date,
        co_marketing_brand,
        status,

        {{ to_local_date('created_at') }} as created_date,

        created_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
