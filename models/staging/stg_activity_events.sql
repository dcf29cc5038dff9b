{#- Typed and renamed raw events; no deduplication (why: stg_flow_events.sql). -#}
{{ fxa_staged_raw_events('activity_events') }}
