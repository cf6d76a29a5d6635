{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'stream_gmv': 'decimal(18, 2)',
    'unique_viewers': 'bigint',
    'pct_conversion': 'double',
    'avg_watch_minutes': 'double',
} -%}

{#- days read before the first recomputed day: 7-day trends -#}
{%- set history_days = 7 -%}

with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

livestreams as (

    select * from {{ ref('fct_livestreams') }}
    where started_date >= {{ report_read_from(history_days) }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

streams_daily as (

    select
        started_date as report_date,
        count(*) as streams_held,
        sum(stream_hours) as hours_streamed,
        max(peak_concurrent_viewers) as peak_concurrent_viewers,
        sum(avg_concurrent_viewers * stream_hours) as viewer_hours,
        sum(unique_viewers) as unique_viewers,
        sum(watch_minutes) as watch_minutes,
        sum(comments) as chat_comments,
        sum(likes) as likes,
        sum(new_followers) as new_followers,
        sum(buffering_seconds) as buffering_seconds,
        sum(interruptions) as interruptions,
        sum(attributed_orders) as attributed_orders,
        sum(attributed_valid_orders) as attributed_valid_orders,
        sum(attributed_net_sales) as stream_gmv

    from livestreams
    group by started_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'livestream', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(streams_daily.streams_held, 0) as streams_held,
        coalesce(streams_daily.hours_streamed, 0) as hours_streamed,
        streams_daily.peak_concurrent_viewers,
        streams_daily.viewer_hours,
        coalesce(streams_daily.unique_viewers, 0) as unique_viewers,
        coalesce(streams_daily.watch_minutes, 0) as watch_minutes,
        coalesce(streams_daily.chat_comments, 0) as chat_comments,
        coalesce(streams_daily.likes, 0) as likes,
        coalesce(streams_daily.new_followers, 0) as new_followers,
        coalesce(streams_daily.buffering_seconds, 0) as buffering_seconds,
        coalesce(streams_daily.interruptions, 0) as interruptions,
        coalesce(streams_daily.attributed_orders, 0) as attributed_orders,
        coalesce(streams_daily.attributed_valid_orders, 0) as attributed_valid_orders,
        coalesce(streams_daily.stream_gmv, 0) as stream_gmv

    from dates
    left join streams_daily
        on dates.date_day = streams_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('viewer_hours', 'hours_streamed') }} as avg_concurrent_viewers,
        {{ safe_divide('watch_minutes', 'unique_viewers') }} as avg_watch_minutes,
        {{ safe_divide('chat_comments + likes', 'unique_viewers') }} as engagement_per_viewer,
        {{ safe_divide('attributed_valid_orders', 'unique_viewers') }} as pct_conversion,
        {{ safe_divide('buffering_seconds', 'hours_streamed') }} as buffering_seconds_per_hour

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
        cast(streams_held as bigint) as streams_held,
        cast(hours_streamed as double) as hours_streamed,
        cast(peak_concurrent_viewers as bigint) as peak_concurrent_viewers,
        cast(avg_concurrent_viewers as double) as avg_concurrent_viewers,
        cast(unique_viewers as bigint) as unique_viewers,
        cast(watch_minutes as bigint) as watch_minutes,
        cast(avg_watch_minutes as double) as avg_watch_minutes,
        cast(chat_comments as bigint) as chat_comments,
        cast(likes as bigint) as likes,
        cast(engagement_per_viewer as double) as engagement_per_viewer,
        cast(new_followers as bigint) as new_followers,
        cast(attributed_orders as bigint) as attributed_orders,
        cast(attributed_valid_orders as bigint) as attributed_valid_orders,
        cast(stream_gmv as decimal(18, 2)) as stream_gmv,
        cast(pct_conversion as double) as pct_conversion,
        cast(buffering_seconds as bigint) as buffering_seconds,
        cast(buffering_seconds_per_hour as double) as buffering_seconds_per_hour,
        cast(interruptions as bigint) as interruptions,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
