# The dbt runner image for FXA_DBT_RUNNER=docker: the project's pinned dbt
# (requirements.txt) plus dbt-databricks, in a virtual environment (a Debian
# base's system Python refuses system-wide pip installs). The project itself
# is not copied: it is bind-mounted at /usr/app at run time, so the image only
# changes when its inputs do (its tag is a hash of this file, the requirements
# and the base image's name).
#
# Built with BuildKit (the CA bundle is a build secret). No `# syntax=` line:
# that would pull a frontend image, and a machine without a registry has none.
#   BASE_IMAGE   any image with python3 (3.11) and its venv module
#   secret pip_ca  an extra CA bundle for pip behind a TLS-inspecting proxy;
#                mounted for the one RUN step only, never stored in a layer
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    PATH=/opt/dbt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

WORKDIR /usr/app
COPY requirements.txt requirements-databricks.txt /tmp/requirements/
RUN --mount=type=secret,id=pip_ca \
    if [ -s /run/secrets/pip_ca ]; then export PIP_CERT=/run/secrets/pip_ca; fi \
    && python3 -m venv /opt/dbt \
    && pip install -r /tmp/requirements/requirements.txt -r /tmp/requirements/requirements-databricks.txt \
    && rm -rf /tmp/requirements

# Secret values (the Databricks token) arrive as NAME=value lines on stdin, so
# they appear neither on a command line nor in `docker inspect`; then dbt runs
# with the container's arguments.
ENTRYPOINT ["/bin/sh", "-c", "while IFS= read -r kv; do export \"$kv\"; done; exec dbt \"$@\"", "dbt"]
