with

source as (

    select * from {{ source('service', 'support_tickets') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by ticket_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        ticket_id,
        customer_id,
        order_id,

        {# personal data: the free-text subject is dropped #}
        category,
        priority,
        status,

        csat_score,
        reopen_count,

        {{ to_local_date('opened_at') }} as opened_date,
        {{ to_local_date('resolved_at') }} as resolved_date,

        opened_at,
        first_response_at,
        resolved_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
