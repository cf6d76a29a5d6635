{#
    Whether the company delivers a source: the nightly run passes the sources it delivers as
    var delivered_sources (opspulse.catalogue); without the var (a hand-run dbt build) every
    source counts as delivered. A KPI whose optional source is not delivered is NULL, never 0.
#}
{% macro delivered(source_name) -%}
    {%- set sources = var('delivered_sources', none) -%}
    {{- return(sources is none or source_name in sources) -}}
{%- endmacro %}

{% macro if_delivered(source_name, expression, data_type='double') -%}
    {%- if delivered(source_name) -%}
        {{ expression }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
