with

tickets as (

    select * from {{ ref('stg_service__support_tickets') }}

),

final as (

    select
        ticket_id,
        customer_id,
        order_id,
        category,
        priority,
        status,
        status = 'resolved' as is_resolved,
        csat_score,
        reopen_count,
        date_diff('second', opened_at, first_response_at) / 60.0 as first_response_minutes,
        date_diff('second', opened_at, resolved_at) / 3600.0 as resolution_hours,
        opened_date,
        resolved_date,
        opened_at,
        first_response_at,
        resolved_at,
        updated_at

    from tickets

)

select * from final
