with

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

final as (

    select
        campaign_id,
        campaign_name,
        {# an optional label the company left empty is reported as unknown in breakdowns #}
        coalesce(channel, 'unknown') as channel,
        platform,
        co_marketing_brand,
        co_marketing_brand is not null as is_co_marketing,
        budget,
        start_date,
        end_date,
        end_date - start_date + 1 as flight_days,
        status,
        created_date,
        created_at,
        updated_at

    from campaigns

)

select * from final
