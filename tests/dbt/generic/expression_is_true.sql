{#
    Fails on every row where the boolean expression is false or null.
    Use (model level): data_tests: [{expression_is_true: {expression: 'duration >= 0'}}]
    With `within_run_days: <date column>` a run with vars from/to checks only
    the days it rebuilds, as unique_combination does; a full build checks all.
#}
{% test expression_is_true(model, expression, within_run_days=none) %}

{%- set window = fxa_run_window('day', true) if within_run_days else none %}

select *
from {{ model }}
where
    not coalesce({{ expression }}, false)
    and {{ fxa_days_between(within_run_days, window, 'write') }}

{% endtest %}
