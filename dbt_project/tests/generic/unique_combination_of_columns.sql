{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as rows_per_combination

    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select * from grouped
where rows_per_combination > 1

{% endtest %}
