with

source as (

    select * from {{ source('experiments', 'experiments') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by experiment_id
        order by updated_at desc, _ds desc, _loaded_at desc
    ) = 1

),

renamed as (

    select
        experiment_id,
        experiment_name,
        page,
        variants,
        planned_treatment_share,
        primary_metric,
        status,
        planned_end_date,

        {{ to_local_date('started_at') }} as started_date,
        {{ to_local_date('ended_at') }} as ended_date,

        started_at,
        ended_at,
        updated_at,

        _ds as exported_date,
        _loaded_at as loaded_at

    from latest

)

select * from renamed
