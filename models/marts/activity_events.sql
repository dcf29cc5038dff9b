{{ config(**fxa_day_partitioned('day', 'day')) }}

{%- set window = fxa_run_window('day', is_incremental()) %}

with

events as (

    select * from {{ ref('stg_activity_events') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

final as (

    select
        event_timestamp as timestamp,
        type,
        uid,
        device_id,
        service,
        ua_browser,
        ua_version,
        ua_os,
        day,
        {{ sample_id('uid') }} as sample_id
    from events

)

select * from final
{{ fxa_cluster_by(['day', 'sample_id']) }}
