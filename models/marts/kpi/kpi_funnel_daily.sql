{{ config(**fxa_day_partitioned('export_date', 'flow')) }}

{%- set window = fxa_run_window('flow', is_incremental()) %}
{%- set segment_columns = ['entrypoint', 'service', 'context', 'ua_os', 'utm_campaign'] %}

with

funnel_events as (

    -- step_rank numbers a funnel's steps 1, 2, 3, ... in step_number
    -- order, whatever numbers the seed uses.
    select
        funnel,
        step_number,
        step_name,
        event,
        dense_rank() over (partition by funnel order by step_number) as step_rank
    from {{ ref('funnel_steps') }}

),

steps as (

    -- Alternatives of a step share one name; should they differ, the largest.
    select
        funnel,
        step_number,
        step_rank,
        max(step_name) as step_name
    from funnel_events
    group by funnel, step_number, step_rank

),

flows as (

    select
        flow_id,
        export_date,
        {{ segment_columns | join(', ') }}
    from {{ ref('flow_metadata') }}
    where {{ fxa_days_between('export_date', window, 'write') }}

),

reached as (

    -- The steps each flow has an event of, in any order.
    select distinct
        flow_events.flow_id,
        funnel_events.funnel,
        funnel_events.step_rank
    from {{ ref('flow_events') }} as flow_events
    inner join funnel_events on flow_events.type = funnel_events.event
    where {{ fxa_days_between('flow_events.day', window, 'read') }}

),

ranked as (

    -- Along a flow's reached steps in order, the n-th is step n for as
    -- long as no step was skipped.
    select
        flow_id,
        funnel,
        step_rank,
        row_number() over (partition by flow_id, funnel order by step_rank) as reached_order
    from reached

),

progress as (

    -- How far down the funnel the flow got without skipping a step.
    select
        flow_id,
        funnel,
        max(step_rank) as steps_reached
    from ranked
    where step_rank = reached_order
    group by flow_id, funnel

),

progress_counts as (

    select
        flows.export_date,
        progress.funnel,
        {%- for column in segment_columns %}
        flows.{{ column }},
        {%- endfor %}
        progress.steps_reached,
        count(*) as flows
    from progress
    inner join flows on progress.flow_id = flows.flow_id
    group by all

),

final as (

    -- Every step of the funnel for each segment with a flow at step 1.
    select
        progress_counts.export_date,
        progress_counts.funnel,
        cast(steps.step_number as integer) as step_number,
        steps.step_name,
        {%- for column in segment_columns %}
        progress_counts.{{ column }},
        {%- endfor %}
        cast(sum(
            case when progress_counts.steps_reached >= steps.step_rank then progress_counts.flows else 0 end
        ) as bigint) as flows
    from progress_counts
    inner join steps on progress_counts.funnel = steps.funnel
    group by all

)

select * from final
