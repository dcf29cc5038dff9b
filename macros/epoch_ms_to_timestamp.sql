{# The timestamp (UTC, without time zone) of a count of ms since the epoch. #}
{% macro epoch_ms_to_timestamp(ms) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'fxa_metrics')(ms)) }}
{%- endmacro %}

{% macro default__epoch_ms_to_timestamp(ms) -%}
    timestamp_millis({{ ms }})
{%- endmacro %}

{% macro duckdb__epoch_ms_to_timestamp(ms) -%}
    epoch_ms({{ ms }})
{%- endmacro %}
