{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}

with

flows as (

    select
        flow_id,
        export_date,
        entrypoint,
        utm_campaign,
        service,
        ua_os,
        completed,
        new_account
    from {{ ref('flow_metadata') }}
    where {{ fxa_days_between('export_date', window, 'write') }}

),

verified as (

    select distinct flow_id
    from {{ ref('flow_events') }}
    where
        {{ fxa_days_between('day', window, 'read') }}
        and type = 'account.verified'

),

final as (

    select
        flows.export_date,
        flows.entrypoint,
        flows.utm_campaign,
        flows.service,
        flows.ua_os,
        count(*) as flows_begun,
        count(case when flows.completed then 1 end) as flows_completed,
        count(case when flows.new_account then 1 end) as flows_new_account,
        count(
            case when flows.new_account and verified.flow_id is not null then 1 end
        ) as flows_verified
    from flows
    left join verified on flows.flow_id = verified.flow_id
    group by
        flows.export_date,
        flows.entrypoint,
        flows.utm_campaign,
        flows.service,
        flows.ua_os

)

select * from final
