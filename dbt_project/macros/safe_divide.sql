{#
    A ratio as a DOUBLE that is NULL, never 0 and never an error, when the
    denominator is 0 or NULL (KPIS.md conventions).
#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}
