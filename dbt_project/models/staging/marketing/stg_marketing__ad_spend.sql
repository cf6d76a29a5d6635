with

source as (

    select * from {{ source('marketing', 'ad_spend') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by ad_spend_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        ad_spend_id,
        campaign_id,
        spend_date,
        impressions,
        clicks,
        spend,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
