{# Spec §3: every `flow.<anything>.begin` is the one event name `flow.begin`. #}
{% macro normalise_event_type(type_column) -%}
    case when {{ type_column }} like 'flow.%.begin' then 'flow.begin' else {{ type_column }} end
{%- endmacro %}
