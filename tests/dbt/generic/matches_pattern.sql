{#
    Fails on every non-null value of the column that does not match the
    whole regular expression (anchored both ends).
    Use: data_tests: [{matches_pattern: {pattern: '[0-9a-f]{64}'}}]
#}
{% test matches_pattern(model, column_name, pattern) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and not {{ regexp_full_match(column_name, pattern) }}

{% endtest %}
