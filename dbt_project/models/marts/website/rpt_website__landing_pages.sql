{#- landing pages kept per day, by sessions -#}
{%- set top_pages = 20 -%}

{#- days read before the first recomputed day: none, every row describes its own day -#}
{%- set history_days = 0 -%}

with

sessions as (

    select * from {{ ref('fct_web_sessions') }}
    where session_date >= {{ report_read_from(history_days) }}

),

pages_daily as (

    select
        session_date as report_date,
        coalesce(landing_page, 'unknown') as landing_page,
        count(*) as sessions,
        count(*) filter (where has_order) as converted_sessions,
        count(*) filter (where is_bounce) as bounced_sessions

    from sessions
    group by all

),

ranked as (

    select
        *,
        row_number() over (
            partition by report_date order by sessions desc, landing_page asc
        ) as page_rank,
        {{ safe_divide('converted_sessions', 'sessions') }} as pct_conversion,
        {{ safe_divide('bounced_sessions', 'sessions') }} as pct_bounce

    from pages_daily

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(page_rank as bigint) as page_rank,
        cast(landing_page as varchar) as landing_page,
        cast(sessions as bigint) as sessions,
        cast(converted_sessions as bigint) as converted_sessions,
        cast(pct_conversion as double) as pct_conversion,
        cast(bounced_sessions as bigint) as bounced_sessions,
        cast(pct_bounce as double) as pct_bounce

    from ranked
    where
        page_rank <= {{ top_pages }}
        and report_date >= {{ report_start_date() }}

)

select * from final
