{#
    Fails on every row where the boolean expression is false or null.
    Use (model level): data_tests: [{expression_is_true: {expression: 'duration >= 0'}}]
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
