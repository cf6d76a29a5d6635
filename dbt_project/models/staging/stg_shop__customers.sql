{# a table: the salt is a session variable of the build, a view would hash without it #}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('shop', 'customers') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by customer_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        customer_id,

        {# personal data: the email is kept only as a hash, the phone is dropped #}
        {{ email_hash('email') }} as email_hash,

        upper(country) as country,
        region,
        signup_channel,

        coalesce(marketing_consent, false) as has_marketing_consent,

        {{ to_local_date('created_at') }} as created_date,

        created_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
