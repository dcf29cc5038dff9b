{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}
{%- set begin_attributes = [
    'ua_browser', 'ua_version', 'ua_os', 'context', 'entrypoint', 'migration',
    'service', 'utm_campaign', 'utm_content', 'utm_medium', 'utm_source', 'utm_term',
] %}

with

events as (

    select * from {{ ref('stg_flow_events') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

ordered as (

    -- begin_order = 1 marks the flow's earliest begin event. (time_ms,
    -- flow_time) is unique among a flow's begin events after dedup, so the
    -- choice never depends on load order.
    select
        *,
        row_number() over (
            partition by flow_id
            order by case when type = 'flow.begin' then 0 else 1 end, time_ms, flow_time
        ) as begin_order
    from events

),

flows as (

    select
        flow_id,
        {%- for attribute in begin_attributes %}
        max(case when begin_order > 1 then nullif({{ attribute }}, '') end) as later_{{ attribute }},
        {%- endfor %}
        max(flow_time) as duration,
        max(case when type = 'flow.complete' then 1 else 0 end) = 1 as completed,
        max(case when type = 'account.created' then 1 else 0 end) = 1 as new_account,
        max(uid) as uid,
        max(locale) as locale
    from ordered
    group by flow_id

),

begins as (

    select * from ordered
    where begin_order = 1 and type = 'flow.begin'

),

final as (

    select
        begins.flow_id,
        begins.event_timestamp as begin_time,
        flows.duration,
        flows.completed,
        flows.new_account,
        flows.uid,
        flows.locale,
        {%- for attribute in begin_attributes %}
        coalesce(
            nullif(begins.{{ attribute }}, ''), flows.later_{{ attribute }}, begins.{{ attribute }}
        ) as {{ attribute }},
        {%- endfor %}
        begins.day as export_date
    from begins
    inner join flows on begins.flow_id = flows.flow_id
    where {{ fxa_days_between('begins.day', window, 'write') }}

)

select * from final
