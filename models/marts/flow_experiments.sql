{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}

with

events as (

    select * from {{ ref('stg_flow_events') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

flow_uids as (

    select
        flow_id,
        max(uid) as uid
    from events
    group by flow_id

),

experiment_events as (

    -- flow.experiment.<experiment>.<group>: the experiment may itself hold
    -- dots, the group is the last dotted part. [.] rather than \. keeps the
    -- pattern the same in DuckDB and Spark string literals.
    select
        flow_id,
        event_timestamp,
        day,
        regexp_extract(type, '^flow[.]experiment[.](.+)[.]([^.]+)$', 1) as experiment,
        regexp_extract(type, '^flow[.]experiment[.](.+)[.]([^.]+)$', 2) as cohort
    from events
    where
        type like 'flow.experiment.%'
        and {{ fxa_days_between('day', window, 'write') }}

),

final as (

    select
        experiment_events.experiment,
        experiment_events.cohort,
        experiment_events.event_timestamp as timestamp,
        experiment_events.flow_id,
        flow_uids.uid,
        experiment_events.day as export_date,
        {{ sample_id('flow_uids.uid') }} as sample_id
    from experiment_events
    inner join flow_uids on experiment_events.flow_id = flow_uids.flow_id
    where experiment_events.experiment != ''

)

select * from final
