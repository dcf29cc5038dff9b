{{ config(**fxa_day_partitioned('day', 'last_seen')) }}

{%- set window = fxa_run_window('last_seen', is_incremental()) %}

{#-
    users_last_seen per operating system: a user active with two OSes has a
    pattern for each (the engagement KPI's OS segments overlap so).
-#}

with

seen_days as (

    select distinct
        uid,
        ua_os,
        day,
        1 as seen
    from {{ ref('activity_events') }}
    where {{ fxa_days_between('day', window, 'write') }}

),

{{ bits28_patterns('seen_days', ['uid', 'ua_os'], [['seen', 'days_seen_bits']], window) }},

final as (

    select
        {{ add_days("cast('1970-01-01' as date)", 'day_number') }} as day,
        uid,
        {{ sample_id('uid') }} as sample_id,
        ua_os,
        days_seen_bits
    from patterns

)

select * from final
{{ fxa_cluster_by(['day', 'sample_id']) }}
