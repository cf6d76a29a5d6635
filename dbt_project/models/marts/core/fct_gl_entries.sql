with

gl_entries as (

    select * from {{ ref('stg_finance__gl_entries') }}
    where {{ loaded_since_last_run('loaded_at') }}

),

final as (

    select
        entry_id,
        order_id,
        {# an optional label the company left empty is reported as unknown in breakdowns #}
        coalesce(department, 'unknown') as department,
        account,
        split_part(account, ':', 1) as account_type,
        case
            when account like 'opex:%' then substr(account, length('opex:') + 1)
        end as expense_category,
        amount,
        posted_date,
        exported_date,
        loaded_at as source_loaded_at

    from gl_entries

)

select * from final
