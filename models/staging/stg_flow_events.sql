{#-
    Typed and renamed raw events. The loader has already normalised the
    event names and stored each duplicate key once (docs/contract.md#normalisation);
    this model does neither again, and the tests in its YAML fail the build
    should the raw zone ever break either rule. (A dedup window here made
    every mart re-run it over the whole source:
    bench/README.md#measured-changes-to-the-models.)
-#}
{{ fxa_staged_raw_events('flow_events') }}
