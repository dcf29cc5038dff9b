{#
    Spark and Databricks: `<<` is Spark 4 syntax only; shiftleft() is the
    same shift on every version the project supports.
#}
{% macro spark__bits28_day(days_ago) -%}
    cast(shiftleft(cast(1 as bigint), {{ days_ago }}) as int)
{%- endmacro %}

{% macro spark__bits28_shift(bits, days) -%}
    cast(shiftleft(cast({{ bits }} as bigint), {{ days }}) & {{ bits28_mask() }} as int)
{%- endmacro %}
