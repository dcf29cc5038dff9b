{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}
{%- set begin_attributes = [
    'ua_browser', 'ua_version', 'ua_os', 'context', 'entrypoint', 'migration',
    'service', 'utm_campaign', 'utm_content', 'utm_medium', 'utm_source', 'utm_term',
] %}

{#-
    Only the begin events are ranked (a flow's earliest begin); every other
    figure is a plain group-by over the flow's events. Ranking all events
    instead meant sorting every wide row, the costliest step of a full build
    (bench/README.md#measured-changes-to-the-models).
-#}

with

events as (

    select * from {{ ref('stg_flow_events') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

ranked_begins as (

    -- begin_order = 1 is the flow's earliest begin event. (time_ms,
    -- flow_time) is unique among a flow's begin events (the raw zone holds
    -- each key once), so the choice never depends on load order.
    select
        flow_id,
        event_timestamp,
        day,
        {%- for attribute in begin_attributes %}
        {{ attribute }},
        {%- endfor %}
        row_number() over (partition by flow_id order by time_ms, flow_time) as begin_order
    from events
    where type = 'flow.begin'

),

flows as (

    select
        flow_id,
        {%- for attribute in begin_attributes %}
        max(case when type <> 'flow.begin' then nullif({{ attribute }}, '') end) as other_{{ attribute }},
        {%- endfor %}
        max(flow_time) as duration,
        max(case when type = 'flow.complete' then 1 else 0 end) = 1 as completed,
        max(case when type = 'account.created' then 1 else 0 end) = 1 as new_account,
        max(uid) as uid,
        max(locale) as locale
    from events
    group by flow_id

),

later_begins as (

    -- The flow's begin events other than the earliest (a reloaded page).
    select
        {%- for attribute in begin_attributes %}
        max(nullif({{ attribute }}, '')) as {{ attribute }},
        {%- endfor %}
        flow_id
    from ranked_begins
    where begin_order > 1
    group by flow_id

),

final as (

    -- An attribute missing or empty on the earliest begin: the largest
    -- non-empty value among the flow's other events (greatest() skips nulls
    -- on DuckDB and Spark alike).
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
            nullif(begins.{{ attribute }}, ''),
            greatest(flows.other_{{ attribute }}, later_begins.{{ attribute }}),
            begins.{{ attribute }}
        ) as {{ attribute }},
        {%- endfor %}
        begins.day as export_date,
        {{ sample_id('flows.uid') }} as sample_id
    from ranked_begins as begins
    inner join flows on begins.flow_id = flows.flow_id
    left join later_begins on begins.flow_id = later_begins.flow_id
    where
        begins.begin_order = 1
        and {{ fxa_days_between('begins.day', window, 'write') }}

)

select * from final
