# The dbt runner image for FXA_DBT_RUNNER=docker: the project's pinned dbt
# (requirements.txt) plus dbt-databricks. The project itself is not copied:
# it is bind-mounted at /usr/app at run time, so the image only changes when
# the requirements do (its tag is a hash of this file and the requirements).
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false

WORKDIR /usr/app
COPY requirements.txt requirements-databricks.txt /tmp/requirements/
RUN pip install -r /tmp/requirements/requirements.txt -r /tmp/requirements/requirements-databricks.txt

ENTRYPOINT ["dbt"]
