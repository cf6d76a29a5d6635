{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'sessions': 'bigint',
    'pct_conversion': 'double',
    'pct_bounce': 'double',
    'unique_visitors': 'bigint',
} -%}

{#- days read before the first recomputed day: the 7-day trends -#}
{%- set history_days = 7 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

sessions as (

    select * from {{ ref('fct_web_sessions') }}
    where session_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

sessions_daily as (

    select
        session_date as report_date,
        count(*) as sessions,
        count(distinct visitor_id) as unique_visitors,
        count(*) filter (where is_bounce) as bounced_sessions,
        count(*) filter (where has_order) as converted_sessions,
        sum(page_views) as page_views,
        sum(session_duration_seconds) as session_duration_seconds

    from sessions
    group by session_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'website', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(sessions_daily.sessions, 0) as sessions,
        coalesce(sessions_daily.unique_visitors, 0) as unique_visitors,
        coalesce(sessions_daily.bounced_sessions, 0) as bounced_sessions,
        coalesce(sessions_daily.converted_sessions, 0) as converted_sessions,
        coalesce(sessions_daily.page_views, 0) as page_views,
        sessions_daily.session_duration_seconds

    from dates
    left join sessions_daily
        on dates.date_day = sessions_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('converted_sessions', 'sessions') }} as pct_conversion,
        {{ safe_divide('bounced_sessions', 'sessions') }} as pct_bounce,
        {{ safe_divide('page_views', 'sessions') }} as pages_per_session,
        {{ safe_divide('session_duration_seconds', 'sessions') }} as avg_session_duration_seconds

    from daily

),

trended as (

    select
        kpis.*,
        {{ kpi_trend_columns(headline_kpis) }}

    from kpis
    cross join targets

),

final as (

    select
        cast(report_date as date) as report_date,
        cast(sessions as bigint) as sessions,
        cast(unique_visitors as bigint) as unique_visitors,
        cast(bounced_sessions as bigint) as bounced_sessions,
        cast(pct_bounce as double) as pct_bounce,
        cast(converted_sessions as bigint) as converted_sessions,
        cast(pct_conversion as double) as pct_conversion,
        cast(page_views as bigint) as page_views,
        cast(pages_per_session as double) as pages_per_session,
        cast(avg_session_duration_seconds as double) as avg_session_duration_seconds,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
