with

reps as (

    select * from {{ ref('stg_sales__reps') }}

),

partners as (

    select * from {{ ref('stg_sales__partners') }}

),

partners_per_rep as (

    select
        sales_rep_id,
        count(*) as partner_accounts,
        count(*) filter (where is_active) as active_partner_accounts

    from partners
    group by sales_rep_id

),

final as (

    select
        reps.sales_rep_id,
        reps.region,
        reps.team,
        reps.hired_date,
        reps.is_active,
        coalesce(partners_per_rep.partner_accounts, 0) as partner_accounts,
        coalesce(partners_per_rep.active_partner_accounts, 0) as active_partner_accounts,
        reps.updated_at

    from reps
    left join partners_per_rep
        on reps.sales_rep_id = partners_per_rep.sales_rep_id

)

select * from final
