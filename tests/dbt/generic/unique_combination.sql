{#
    Fails on every combination of the columns that occurs more than once
    (nulls compare equal, as in GROUP BY).
    Use (model level): data_tests: [{unique_combination: {arguments: {columns: [day, uid]}}}]
    With `within_run_days: <date column>` a run with vars from/to checks only
    the days it rebuilds (fxa_run_window kind `day`), so that a night's check
    reads the night's days, not the whole history; a full build checks all.
#}
{% test unique_combination(model, columns, within_run_days=none) %}

{%- set window = fxa_run_window('day', true) if within_run_days else none %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
where {{ fxa_days_between(within_run_days, window, 'write') }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
