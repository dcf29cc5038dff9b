{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}

with

sync_flows as (

    -- Sync flows: the service is sync, or absent (null or empty).
    select
        flow_id,
        export_date,
        new_account,
        completed
    from {{ ref('flow_metadata') }}
    where
        {{ fxa_days_between('export_date', window, 'write') }}
        and (service = 'sync' or service is null or service = '')

),

completions as (

    -- The flow's first flow.complete event (the auth server fires it on
    -- account.signed for Sync): its flow_time is the time to connect.
    select
        flow_id,
        min(flow_time) as connect_time
    from {{ ref('flow_events') }}
    where
        {{ fxa_days_between('day', window, 'read') }}
        and type = 'flow.complete'
    group by flow_id

),

flows as (

    select
        sync_flows.export_date,
        sync_flows.new_account,
        sync_flows.completed,
        completions.connect_time
    from sync_flows
    left join completions on sync_flows.flow_id = completions.flow_id

),

final as (

    select
        export_date,
        new_account,
        count(*) as flows_begun,
        count(case when completed then 1 end) as flows_completed,
        cast(count(case when completed then 1 end) as double) / count(*) as completion_rate,
        {{ kpi_percentile_cont('connect_time', 0.25) }} as flow_time_p25_ms,
        {{ kpi_percentile_cont('connect_time', 0.5) }} as flow_time_p50_ms,
        {{ kpi_percentile_cont('connect_time', 0.75) }} as flow_time_p75_ms
    from flows
    group by export_date, new_account

)

select * from final
