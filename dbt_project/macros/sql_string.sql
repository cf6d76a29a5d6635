{# A SQL string literal of value: single quotes doubled, so a path or name cannot end it #}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
