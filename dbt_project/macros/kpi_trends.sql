{#
    Trend columns of the headline KPIs of a daily report mart (KPIS.md conventions). The
    relation they are selected from has one row per report_date on a gap-free date spine and a
    <kpi>_target column per KPI (see kpi_targets_pivot).
#}

{# pct_<kpi>_of_target, without doubling the prefix of a pct_ KPI #}
{% macro pct_of_target_column(kpi) -%}
    {{ kpi if kpi.startswith('pct_') else 'pct_' ~ kpi }}_of_target
{%- endmacro %}

{# <kpi>_prev_day, <kpi>_7d_avg (trailing 7 days including the day), <kpi>_target, pct_<kpi>_of_target #}
{% macro kpi_trend_columns(kpis) -%}
    {%- for kpi in kpis %}
        lag({{ kpi }}) over (order by report_date) as {{ kpi }}_prev_day,
        avg({{ kpi }}) over (
            order by report_date range between interval 6 days preceding and current row
        ) as {{ kpi }}_7d_avg,
        {{ kpi }}_target,
        {{ safe_divide(kpi, kpi ~ '_target') }} as {{ pct_of_target_column(kpi) }}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# The trend columns cast to their contract types: the KPI's own type for prev_day, double otherwise #}
{% macro kpi_trend_columns_typed(kpi_types) -%}
    {%- for kpi, kpi_type in kpi_types.items() %}
        cast({{ kpi }}_prev_day as {{ kpi_type }}) as {{ kpi }}_prev_day,
        cast({{ kpi }}_7d_avg as double) as {{ kpi }}_7d_avg,
        cast({{ kpi }}_target as double) as {{ kpi }}_target,
        cast({{ pct_of_target_column(kpi) }} as double) as {{ pct_of_target_column(kpi) }}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# One row holding <kpi>_target for every KPI of the role: the seed's daily target, else NULL #}
{% macro kpi_targets_pivot(targets_relation, role, kpis) -%}
    select
        {%- for kpi in kpis %}
        max(target) filter (where kpi = '{{ kpi }}') as {{ kpi }}_target
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ targets_relation }}
    where role = '{{ role }}' and period = 'daily'
{%- endmacro %}
