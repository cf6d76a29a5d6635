{#- headline KPIs with the type of their <kpi>_prev_day column -#}
{%- set headline_kpis = {
    'open_incidents': 'bigint',
    'pct_requests_on_time': 'double',
    'overdue_requests': 'bigint',
    'mttr_hours': 'double',
} -%}

{%- set severities = ['critical', 'high', 'medium', 'low'] -%}
{%- set request_types = ['access', 'deletion', 'correction', 'opt_out'] -%}

{#- days read before the first recomputed day: a 30-day activity window, then 7-day trends -#}
{%- set history_days = 37 -%}

{#- incidents and privacy requests are few and stay open across days: read them whole -#}
with

dates as (

    select * from {{ ref('dim_dates') }}
    where date_day >= {{ report_read_from(history_days) }}

),

incidents as (

    select * from {{ ref('fct_security_incidents') }}

),

requests as (

    select * from {{ ref('fct_privacy_requests') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where ordered_date >= {{ report_read_from(history_days + 30) }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

incidents_opened_daily as (

    select
        detected_date as report_date,
        count(*) as incidents_opened,
        {%- for severity in severities %}
            count(*) filter (where severity = '{{ severity }}') as {{ severity }}_incidents_opened,
        {%- endfor %}
        sum(personal_records_affected) as personal_records_affected

    from incidents
    group by detected_date

),

incidents_daily as (

    select
        dates.date_day as report_date,
        count(incidents.incident_id) filter (
            where
            incidents.detected_date <= dates.date_day
            and (incidents.resolved_date is null or incidents.resolved_date > dates.date_day)
        ) as open_incidents,
        count(incidents.incident_id) filter (
            where incidents.resolved_date between dates.date_day - 29 and dates.date_day
        ) as incidents_resolved_30d,
        avg(incidents.hours_to_detect) filter (
            where incidents.resolved_date between dates.date_day - 29 and dates.date_day
        ) as mttd_hours,
        avg(incidents.hours_to_resolve) filter (
            where incidents.resolved_date between dates.date_day - 29 and dates.date_day
        ) as mttr_hours

    from dates
    left join incidents
        on dates.date_day >= incidents.detected_date
    group by dates.date_day

),

requests_received_daily as (

    select
        received_date as report_date,
        count(*) as requests_received,
    {%- for request_type in request_types %}
        count(*) filter (where request_type = '{{ request_type }}')
            as {{ request_type }}_requests_received
        {{- "," if not loop.last }}
    {%- endfor %}

    from requests
    group by received_date

),

requests_completed_daily as (

    select
        completed_date as report_date,
        count(*) as requests_completed,
        count(*) filter (where is_completed_on_time) as requests_completed_on_time

    from requests
    where is_completed
    group by completed_date

),

requests_backlog_daily as (

    select
        dates.date_day as report_date,
        count(requests.request_id) filter (
            where requests.completed_date is null or requests.completed_date > dates.date_day
        ) as open_requests,
        count(requests.request_id) filter (
            where
            requests.due_date < dates.date_day
            and (requests.completed_date is null or requests.completed_date > dates.date_day)
        ) as overdue_requests

    from dates
    left join requests
        on dates.date_day >= requests.received_date
    group by dates.date_day

),

customer_activity as (

    select distinct
        dates.date_day as report_date,
        orders.customer_id

    from dates
    inner join orders
        on orders.ordered_date between dates.date_day - 29 and dates.date_day
    where orders.is_valid

),

consent_daily as (

    select
        customer_activity.report_date,
        count(*) as active_customers,
        count(*) filter (where customers.has_marketing_consent) as consenting_active_customers

    from customer_activity
    left join customers
        on customer_activity.customer_id = customers.customer_id
    group by customer_activity.report_date

),

targets as (

    {{ kpi_targets_pivot('kpi_targets', 'privacy', headline_kpis) }}

),

daily as (

    select
        dates.date_day as report_date,
        coalesce(incidents_opened_daily.incidents_opened, 0) as incidents_opened,
        {%- for severity in severities %}
            coalesce(incidents_opened_daily.{{ severity }}_incidents_opened, 0)
                as {{ severity }}_incidents_opened,
        {%- endfor %}
        coalesce(incidents_opened_daily.personal_records_affected, 0) as personal_records_affected,
        coalesce(incidents_daily.open_incidents, 0) as open_incidents,
        coalesce(incidents_daily.incidents_resolved_30d, 0) as incidents_resolved_30d,
        incidents_daily.mttd_hours,
        incidents_daily.mttr_hours,
        coalesce(requests_received_daily.requests_received, 0) as requests_received,
        {%- for request_type in request_types %}
            coalesce(requests_received_daily.{{ request_type }}_requests_received, 0)
                as {{ request_type }}_requests_received,
        {%- endfor %}
        coalesce(requests_completed_daily.requests_completed, 0) as requests_completed,
        coalesce(requests_completed_daily.requests_completed_on_time, 0)
            as requests_completed_on_time,
        coalesce(requests_backlog_daily.open_requests, 0) as open_requests,
        coalesce(requests_backlog_daily.overdue_requests, 0) as overdue_requests,
        coalesce(consent_daily.active_customers, 0) as active_customers,
        coalesce(consent_daily.consenting_active_customers, 0) as consenting_active_customers

    from dates
    left join incidents_opened_daily
        on dates.date_day = incidents_opened_daily.report_date
    left join incidents_daily
        on dates.date_day = incidents_daily.report_date
    left join requests_received_daily
        on dates.date_day = requests_received_daily.report_date
    left join requests_completed_daily
        on dates.date_day = requests_completed_daily.report_date
    left join requests_backlog_daily
        on dates.date_day = requests_backlog_daily.report_date
    left join consent_daily
        on dates.date_day = consent_daily.report_date

),

kpis as (

    select
        *,
        {{ safe_divide('requests_completed_on_time', 'requests_completed') }}
            as pct_requests_on_time,
        {{ safe_divide('consenting_active_customers', 'active_customers') }}
            as pct_marketing_consent

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
        cast(incidents_opened as bigint) as incidents_opened,
        {%- for severity in severities %}
            cast({{ severity }}_incidents_opened as bigint) as {{ severity }}_incidents_opened,
        {%- endfor %}
        cast(personal_records_affected as bigint) as personal_records_affected,
        cast(open_incidents as bigint) as open_incidents,
        cast(incidents_resolved_30d as bigint) as incidents_resolved_30d,
        cast(mttd_hours as double) as mttd_hours,
        cast(mttr_hours as double) as mttr_hours,
        cast(requests_received as bigint) as requests_received,
        {%- for request_type in request_types %}
            cast({{ request_type }}_requests_received as bigint)
                as {{ request_type }}_requests_received,
        {%- endfor %}
        cast(requests_completed as bigint) as requests_completed,
        cast(requests_completed_on_time as bigint) as requests_completed_on_time,
        cast(pct_requests_on_time as double) as pct_requests_on_time,
        cast(open_requests as bigint) as open_requests,
        cast(overdue_requests as bigint) as overdue_requests,
        cast(active_customers as bigint) as active_customers,
        cast(consenting_active_customers as bigint) as consenting_active_customers,
        cast(pct_marketing_consent as double) as pct_marketing_consent,
        {{ kpi_trend_columns_typed(headline_kpis) }}

    from trended
    where report_date >= {{ report_start_date() }}

)

select * from final
