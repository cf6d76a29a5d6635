with

incidents as (

    select * from {{ ref('stg_security__incidents') }}

),

final as (

    select
        incident_id,
        category,
        severity,
        status,
        resolved_at is not null as is_resolved,
        coalesce(personal_records_affected, 0) as personal_records_affected,
        date_diff('second', occurred_at, detected_at) / 3600.0 as hours_to_detect,
        date_diff('second', detected_at, resolved_at) / 3600.0 as hours_to_resolve,
        occurred_date,
        detected_date,
        resolved_date,
        occurred_at,
        detected_at,
        resolved_at,
        updated_at

    from incidents

)

select * from final
