-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('ops', 'stage_runs') %}
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
        stage as stage_name,
        status,
        status = 'success' as is_success,
        error,
        seconds as duration_seconds,
        details,

        ds as run_date,
        started_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as varchar) as run_id,
        cast(null as varchar) as stage_name,
        cast(null as varchar) as status,
        cast(null as boolean) as is_success,
        cast(null as varchar) as error,
        cast(null as double) as duration_seconds,
        cast(null as varchar) as details,

        cast(null as date) as run_date,
        cast(null as timestamp) as started_at
    where false

)
{%- endif %}

select * from renamed
