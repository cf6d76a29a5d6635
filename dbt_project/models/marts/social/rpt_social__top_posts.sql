{#- posts ranked within their publication day; no trailing windows -#}
{%- set top_posts = 10 -%}

with

posts as (

    select * from {{ ref('fct_social_posts') }}
    where published_date >= {{ report_read_from(0) }}

),

ranked as (

    select
        published_date as report_date,
        row_number() over (
            partition by published_date
            order by engagements desc, impressions desc, post_id asc
        ) as post_rank,
        post_id,
        platform,
        post_type,
        campaign_id,
        impressions,
        reach,
        engagements,
        clicks

    from posts

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(post_rank as bigint) as post_rank,
        cast(post_id as varchar) as post_id,
        cast(platform as varchar) as platform,
        cast(post_type as varchar) as post_type,
        cast(campaign_id as varchar) as campaign_id,
        cast(impressions as bigint) as impressions,
        cast(reach as bigint) as reach,
        cast(engagements as bigint) as engagements,
        cast(clicks as bigint) as clicks,
        cast({{ safe_divide('engagements', 'impressions') }} as double) as pct_engagement,
        cast({{ safe_divide('clicks', 'impressions') }} as double) as pct_click_through

    from ranked
    where
        post_rank <= {{ top_posts }}
        and report_date >= {{ report_start_date() }}

)

select * from final
