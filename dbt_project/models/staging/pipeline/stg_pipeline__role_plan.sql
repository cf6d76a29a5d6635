-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('ops', 'role_plan') %}
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
        role_name,
        role_title,
        sort_order,
        is_active,
        reason,

        ds as run_date,
        planned_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as varchar) as run_id,
        cast(null as varchar) as role_name,
        cast(null as varchar) as role_title,
        cast(null as integer) as sort_order,
        cast(null as boolean) as is_active,
        cast(null as varchar) as reason,

        cast(null as date) as run_date,
        cast(null as timestamp) as planned_at
    where false

)
{%- endif %}

select * from renamed
