with

source as (

    select * from {{ source('security', 'privacy_requests') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by request_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        request_id,
        customer_id,
        request_type,
        status,
        due_date,

        {{ to_local_date('received_at') }} as received_date,
        {{ to_local_date('completed_at') }} as completed_date,

        received_at,
        completed_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
