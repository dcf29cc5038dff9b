{{ config(**fxa_day_partitioned('day', 'day')) }}

{%- set window = fxa_run_window('day', is_incremental()) %}

with

events as (

    select * from {{ ref('stg_activity_events') }}
    where {{ fxa_days_between('day', window, 'read') }}

),

final as (

    select distinct
        day,
        uid,
        device_id,
        service,
        ua_browser,
        ua_version,
        ua_os,
        {{ sample_id('uid') }} as sample_id
    from events
    where device_id is not null

)

-- Written in day order so that DuckDB's per-row-group min/max (zonemaps)
-- let a night's multi-device build skip the days it does not read.
select * from final
{{ fxa_cluster_by(['day', 'sample_id']) }}
