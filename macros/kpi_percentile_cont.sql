{#
    The continuous percentile (fraction 0..1) of an expression within a
    group, interpolated linearly between the two nearest values, as a
    double; null when every value is null. DuckDB's quantile_cont, Spark's
    and Databricks' percentile and the SQL standard's percentile_cont all
    place it at (n - 1) * fraction among the n sorted values.
#}
{% macro kpi_percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('kpi_percentile_cont', 'fxa_metrics')(expr, fraction)) }}
{%- endmacro %}

{% macro default__kpi_percentile_cont(expr, fraction) -%}
    cast(percentile_cont({{ fraction }}) within group (order by {{ expr }}) as double)
{%- endmacro %}

{% macro duckdb__kpi_percentile_cont(expr, fraction) -%}
    cast(quantile_cont({{ expr }}, {{ fraction }}) as double)
{%- endmacro %}
