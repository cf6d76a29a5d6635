{#- days read before the first recomputed day: none, every row describes its own day -#}
{%- set history_days = 0 -%}

with

sessions as (

    select * from {{ ref('fct_web_sessions') }}
    where session_date >= {{ report_read_from(history_days) }}

),

sessions_by_dimension as (

    select
        session_date as report_date,
        'channel' as dimension,
        traffic_channel as dimension_value,
        has_order,
        is_bounce

    from sessions

    union all

    select
        session_date as report_date,
        'device' as dimension,
        device as dimension_value,
        has_order,
        is_bounce

    from sessions

),

aggregated as (

    select
        report_date,
        dimension,
        coalesce(dimension_value, 'unknown') as dimension_value,
        count(*) as sessions,
        count(*) filter (where has_order) as converted_sessions,
        count(*) filter (where is_bounce) as bounced_sessions

    from sessions_by_dimension
    group by all

),

kpis as (

    select
        *,
        {{ safe_divide('sessions', 'sum(sessions) over (partition by report_date, dimension)') }}
            as pct_sessions,
        {{ safe_divide('converted_sessions', 'sessions') }} as pct_conversion,
        {{ safe_divide('bounced_sessions', 'sessions') }} as pct_bounce

    from aggregated

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(dimension as varchar) as dimension,
        cast(dimension_value as varchar) as dimension_value,
        cast(dimension || ': ' || dimension_value as varchar) as segment,
        cast(sessions as bigint) as sessions,
        cast(pct_sessions as double) as pct_sessions,
        cast(converted_sessions as bigint) as converted_sessions,
        cast(pct_conversion as double) as pct_conversion,
        cast(bounced_sessions as bigint) as bounced_sessions,
        cast(pct_bounce as double) as pct_bounce

    from kpis
    where report_date >= {{ report_start_date() }}

)

select * from final
