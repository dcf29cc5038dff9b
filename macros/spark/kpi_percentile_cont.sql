{# Spark and Databricks: `percentile` is the exact, interpolating one (not percentile_approx). #}
{% macro spark__kpi_percentile_cont(expr, fraction) -%}
    cast(percentile({{ expr }}, {{ fraction }}) as double)
{%- endmacro %}
