{#
    How a mart replaces the days a run rebuilds (see fxa_run_window for
    which days): DuckDB deletes them and inserts the new rows (delete+insert
    keyed on the day column); Spark and Databricks overwrite those day
    partitions (insert_overwrite, partitioned by the day column). Before
    either, a pre-hook clears the whole rebuilt window, so that a day which
    now has no rows at all (a late begin event moved its only flow to the
    day before) does not keep its old rows.
    Usage in a model: {{ config(**fxa_day_partitioned('day', 'day')) }}
#}
{% macro fxa_day_partitioned(day_column, kind) %}
    {%- set clear = "{{ fxa_clear_rebuilt_days('" ~ day_column ~ "', '" ~ kind ~ "') }}" -%}
    {%- if target.type in ('spark', 'databricks') -%}
        {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [day_column], 'pre_hook': [clear]}) }}
    {%- else -%}
        {{ return({'incremental_strategy': 'delete+insert', 'unique_key': day_column, 'pre_hook': [clear]}) }}
    {%- endif -%}
{% endmacro %}

{# The statement that empties the days an incremental run rebuilds; nothing on a full build. #}
{% macro fxa_clear_rebuilt_days(day_column, kind) -%}
    {{ return(adapter.dispatch('fxa_clear_rebuilt_days', 'fxa_metrics')(day_column, kind)) }}
{%- endmacro %}

{% macro default__fxa_clear_rebuilt_days(day_column, kind) -%}
    {%- set window = fxa_run_window(kind, is_incremental()) -%}
    {%- if window is not none -%}
        delete from {{ this }} where {{ fxa_days_between(day_column, window, 'write') }}
    {%- endif -%}
{%- endmacro %}
