with

source as (

    select * from {{ source('security', 'security_incidents') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by incident_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        incident_id,
        category,
        severity,
        status,
        personal_records_affected,

        {{ to_local_date('occurred_at') }} as occurred_date,
        {{ to_local_date('detected_at') }} as detected_date,
        {{ to_local_date('resolved_at') }} as resolved_date,

        occurred_at,
        detected_at,
        resolved_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
