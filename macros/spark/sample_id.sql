{# conv() reads the hex digits (null for a null uid); pmod keeps the result in 0 .. 99. #}
{% macro spark__sample_id(uid) -%}
    cast(pmod(cast(conv(substr({{ uid }}, 1, 8), 16, 10) as bigint), 100) as int)
{%- endmacro %}
