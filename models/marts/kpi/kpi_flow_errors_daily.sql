{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}

with

abandoned as (

    -- Flows with a begin event that never completed.
    select
        flow_id,
        export_date
    from {{ ref('flow_metadata') }}
    where
        {{ fxa_days_between('export_date', window, 'write') }}
        and not completed

),

error_events as (

    -- A request that failed (route.<path>.<status>.<errno>: successes have
    -- no errno), a request the customs server blocked, a bounced email.
    -- [.] rather than \. keeps the patterns the same in DuckDB and Spark
    -- string literals.
    select
        flow_id,
        type as error
    from {{ ref('flow_events') }}
    where
        {{ fxa_days_between('day', window, 'read') }}
        and (
            type = 'customs.blocked'
            or {{ regexp_full_match('type', 'route[.].+[.][0-9]{3}[.][0-9]+') }}
            or {{ regexp_full_match('type', 'email[.].+[.]bounced') }}
        )

),

final as (

    select
        abandoned.export_date,
        error_events.error,
        count(distinct abandoned.flow_id) as abandoned_flows,
        count(*) as events
    from abandoned
    inner join error_events on abandoned.flow_id = error_events.flow_id
    group by abandoned.export_date, error_events.error

)

select * from final
