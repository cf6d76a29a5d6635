-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('quality', 'results') %}
{#- the pipeline creates its tables as it runs: before its first run they may not exist #}
{%- set source_exists = not execute or load_relation(source_relation) is not none %} -- noqa: TMP

with

{% if source_exists -%}
source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        run_id,
        layer,
        suite as suite_name,
        table_name,
        expectation_type,
        column_name,
        severity,
        rule as rule_description,
        success as is_success,

        ds as run_date,
        evaluated_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as varchar) as run_id,
        cast(null as varchar) as layer,
        cast(null as varchar) as suite_name,
        cast(null as varchar) as table_name,
        cast(null as varchar) as expectation_type,
        cast(null as varchar) as column_name,
        cast(null as varchar) as severity,
        cast(null as varchar) as rule_description,
        cast(null as boolean) as is_success,

        cast(null as date) as run_date,
        cast(null as timestamp) as evaluated_at
    where false

)
{%- endif %}

select * from renamed
