{#
    A date as a whole number of days since 1970-01-01, for window frames
    that count days (`range between n preceding and current row` needs a
    number to order by on every engine).
#}
{% macro day_number(date_expr) -%}
    {{ return(adapter.dispatch('day_number', 'fxa_metrics')(date_expr)) }}
{%- endmacro %}

{% macro default__day_number(date_expr) -%}
    {{ dbt.datediff("cast('1970-01-01' as date)", date_expr, 'day') }}
{%- endmacro %}

{# date - date is already a count of days in DuckDB; no cast to timestamp. #}
{% macro duckdb__day_number(date_expr) -%}
    ({{ date_expr }} - date '1970-01-01')
{%- endmacro %}
