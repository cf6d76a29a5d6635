{#
    A customer's email as a salted hash: sha256 of the home's secret salt, a bar and the
    trimmed, lower-cased address. The salt is the DuckDB variable opspulse_hash_salt, set by
    the profile's plugin (opspulse.hash_salt), never written into SQL; without it the build
    fails rather than store an unsalted hash that a list of known addresses reverses.
#}
{% macro email_hash(email) -%}
    case
        when {{ email }} is null then null
        when coalesce(getvariable('opspulse_hash_salt'), '') = ''
            then error('no email hash salt: run opspulse init or set OPSPULSE_HASH_SALT')
        else sha256(getvariable('opspulse_hash_salt') || '|' || lower(trim({{ email }})))
    end
{%- endmacro %}
