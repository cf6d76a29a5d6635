-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('ops', 'ingest_log') %}
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
        source as source_name,
        file as file_path,

        status,
        status = 'quarantined' as is_quarantined,
        message,
        file_bytes,
        rows_loaded,
        rows_rejected,

        ds as partition_date,
        run_ds as run_date,
        logged_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as varchar) as run_id,
        cast(null as varchar) as source_name,
        cast(null as varchar) as file_path,

        cast(null as varchar) as status,
        cast(null as boolean) as is_quarantined,
        cast(null as varchar) as message,
        cast(null as bigint) as file_bytes,
        cast(null as bigint) as rows_loaded,
        cast(null as bigint) as rows_rejected,

        cast(null as date) as partition_date,
        cast(null as date) as run_date,
        cast(null as timestamp) as logged_at
    where false

)
{%- endif %}

select * from renamed
