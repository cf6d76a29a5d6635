{%- set targets_file = var('targets_file', '') | string | trim -%}

with

{# without a targets file there are no targets: an empty relation of the same columns #}
targets_file as (

    {% if targets_file %}
        select * from read_csv(
            {{ sql_string(targets_file) }},
            header = true,
            auto_detect = false,
            delim = ',',
            quote = '"',
            escape = '"',
            columns = {
                'role': 'varchar', 'kpi': 'varchar', 'period': 'varchar', 'target': 'double'
            }
        )
    {% else %}
        select
            cast(null as varchar) as role,
            cast(null as varchar) as kpi,
            cast(null as varchar) as period,
            cast(null as double) as target
        where false
    {% endif %}

),

final as (

    select
        cast(targets_file.role as varchar) as role,
        cast(targets_file.kpi as varchar) as kpi,
        cast(targets_file.period as varchar) as period,
        cast(targets_file.target as double) as target

    from targets_file

)

select * from final
