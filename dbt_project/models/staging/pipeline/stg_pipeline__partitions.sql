-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('ops', 'partitions') %}
{#- the pipeline creates its tables as it runs: before its first run they may not exist #}
{%- set source_exists = not execute or load_relation(source_relation) is not none %} -- noqa: TMP

with

{% if source_exists -%}
source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        source as source_name,
        run_id,
        files,
        rows_loaded,

        ds as partition_date,
        loaded_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as varchar) as source_name,
        cast(null as varchar) as run_id,
        cast(null as integer) as files,
        cast(null as bigint) as rows_loaded,

        cast(null as date) as partition_date,
        cast(null as timestamp) as loaded_at
    where false

)
{%- endif %}

select * from renamed
