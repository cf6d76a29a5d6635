-- sqlfluff:indentation:template_blocks_indent:False
{% set source_relation = source('ops', 'send_ledger') %}
{#- the pipeline creates its tables as it runs: before its first run they may not exist #}
{%- set source_exists = not execute or load_relation(source_relation) is not none %} -- noqa: TMP

with

{% if source_exists -%}
source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        ledger_id,
        role as role_name,
        kind,
        status,
        attempt,
        error,

        ds as report_date,
        created_at,
        sent_at

    from source

)
{%- else -%}
renamed as (

    select
        cast(null as bigint) as ledger_id,
        cast(null as varchar) as role_name,
        cast(null as varchar) as kind,
        cast(null as varchar) as status,
        cast(null as integer) as attempt,
        cast(null as varchar) as error,

        cast(null as date) as report_date,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as sent_at
    where false

)
{%- endif %}

select * from renamed
