with

requests as (

    select * from {{ ref('stg_security__privacy_requests') }}

),

final as (

    select
        request_id,
        customer_id,
        request_type,
        status,
        completed_at is not null as is_completed,
        {# on time compares calendar dates: completed any time on the due date is on time #}
        completed_date <= due_date as is_completed_on_time,
        due_date,
        received_date,
        completed_date,
        received_at,
        completed_at,
        updated_at

    from requests

)

select * from final
