{#
    Incremental by day, with a lookback window for late data (DESIGN.md, KPIS.md "Late data").

    A run recomputes every day from report_start_date() on and replaces those days in the
    model (config: materialized='incremental', incremental_strategy='delete+insert',
    unique_key=<the day column>). The first day recomputed is the earlier of
      - the day after the last day the model holds (nothing is skipped after a gap), and
      - the run's day (var `ds`, passed by the nightly run; else the last day the model holds)
        minus var `lookback_days` (OPSPULSE_LOOKBACK_DAYS, default 3),
    so a late row up to lookback_days old changes the day it belongs to, and a backfill of an
    old day (var ds) recomputes that day. A full refresh, or an empty model, recomputes all.
#}
{% macro report_start_date(day_column='report_date') -%}
    {%- if is_incremental() -%}
        (
            select
                case
                    when max({{ day_column }}) is null then date '1900-01-01'
                    else least(
                        max({{ day_column }}) + 1,
                        {{ run_day_or("max(" ~ day_column ~ ")") }} - {{ lookback_days() }}
                    )
                end
            from {{ this }}
        )
    {%- else -%}
        date '1900-01-01'
    {%- endif -%}
{%- endmacro %}

{#
    How many days before report_start_date() a model must read to compute trailing windows of
    `days` days (7-day averages, 30-day rates) for its first recomputed day.
#}
{% macro report_read_from(days, day_column='report_date') -%}
    ({{ report_start_date(day_column) }} - {{ days | int }})
{%- endmacro %}

{# var `ds` as a date literal (checked to be an ISO date), else the given SQL expression #}
{% macro run_day_or(fallback) -%}
    {{- date_var_or('ds', fallback) -}}
{%- endmacro %}

{#
    The day a snapshot mart (one row set for "today": RFM segments, experiment results) is
    computed as of: var `as_of_ds`, the publication's day, which a history run (a backfill of
    an old day) passes so that the published snapshot stays as of the newest day; else the
    run's day (var `ds`); else the given SQL expression.
#}
{% macro as_of_day_or(fallback) -%}
    {%- set as_of = var('as_of_ds', none) -%}
    {%- if as_of is none or as_of | string | trim == '' -%}
        {{ run_day_or(fallback) }}
    {%- else -%}
        {{ date_var_or('as_of_ds', fallback) }}
    {%- endif -%}
{%- endmacro %}

{# var `name` as a date literal (checked to be an ISO date), else the given SQL expression #}
{% macro date_var_or(name, fallback) -%}
    {%- set ds = var(name, none) -%}
    {%- if ds is none or ds | string | trim == '' -%}
        {{ fallback }}
    {%- else -%}
        {%- set ds = ds | string | trim -%}
        {%- if ds | length != 10 or ds[4] != '-' or ds[7] != '-'
            or not (ds[:4] ~ ds[5:7] ~ ds[8:]).isdigit() -%}
            {{ exceptions.raise_compiler_error("invalid var " ~ name ~ " " ~ ds ~ ": expected YYYY-MM-DD") }}
        {%- endif -%}
        date '{{ ds }}'
    {%- endif -%}
{%- endmacro %}

{% macro lookback_days() -%}
    {%- set days = var('lookback_days') | string | trim -%}
    {%- if not days.isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "invalid lookback_days " ~ days ~ ": expected a whole number of days (OPSPULSE_LOOKBACK_DAYS)"
        ) }}
    {%- endif -%}
    {{- days | int -}}
{%- endmacro %}

{#
    Incremental facts: the rows of a source loaded after the newest load the fact already
    holds (its `loaded_at` watermark), whatever day they describe, so a late or corrected row
    of any day reaches the fact. On a full refresh or an empty model: every row.
    Usage: where {{ loaded_since_last_run('loaded_at') }}
#}
{% macro loaded_since_last_run(loaded_at_column, watermark_column='source_loaded_at') -%}
    {%- if is_incremental() -%}
        {{ loaded_at_column }} > (
            select coalesce(max({{ watermark_column }}), timestamp '1900-01-01') from {{ this }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

