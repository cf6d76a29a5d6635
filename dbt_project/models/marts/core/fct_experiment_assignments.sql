with

assignments as (

    select * from {{ ref('stg_experiments__assignments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

first_order_per_session as (

    select
        session_id,
        min(ordered_at) as first_ordered_at

    from orders
    where session_id is not null
    group by session_id

),

final as (

    select
        assignments.assignment_id,
        assignments.experiment_id,
        assignments.visitor_id,
        assignments.variant,
        assignments.session_id,
        first_order_per_session.session_id is not null as is_converted,
        assignments.assigned_date,
        {{ to_local_date('first_order_per_session.first_ordered_at') }} as converted_date,
        assignments.assigned_at,
        first_order_per_session.first_ordered_at as converted_at

    from assignments
    left join first_order_per_session
        on assignments.session_id = first_order_per_session.session_id

)

select * from final
