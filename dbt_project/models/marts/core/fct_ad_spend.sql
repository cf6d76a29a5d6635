with

ad_spend as (

    select * from {{ ref('stg_marketing__ad_spend') }}

),

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

final as (

    select
        ad_spend.ad_spend_id,
        ad_spend.campaign_id,
        campaigns.channel,
        coalesce(campaigns.is_co_marketing, false) as is_co_marketing,
        ad_spend.spend_date,
        ad_spend.impressions,
        ad_spend.clicks,
        ad_spend.spend,
        ad_spend.exported_date,
        ad_spend.loaded_at

    from ad_spend
    left join campaigns
        on ad_spend.campaign_id = campaigns.campaign_id

)

select * from final
