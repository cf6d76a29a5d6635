-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('ops', 'rejected_rows') %}
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
        line as line_number,
        column_name,
        error_type,

        ds as partition_date,
        rejected_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as varchar) as run_id,
        cast(null as varchar) as source_name,
        cast(null as varchar) as file_path,
        cast(null as bigint) as line_number,
        cast(null as varchar) as column_name,
        cast(null as varchar) as error_type,

        cast(null as date) as partition_date,
        cast(null as timestamp) as rejected_at
    where false

)
{%- endif %}

select * from renamed
