with

source as (

    select * from {{ source('experiments', 'experiment_assignments') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by assignment_id
        order by _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        assignment_id,
        experiment_id,
        visitor_id,
        variant,
        session_id,

        {{ to_local_date('assigned_at') }} as assigned_date,

        assigned_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
