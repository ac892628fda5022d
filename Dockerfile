# syntax=docker/dockerfile:1
# One image per Python package of the uv workspace, chosen with the PACKAGE build argument:
#   docker build --build-arg PACKAGE=auction-gateway -t auction-gateway .
# The image runs the package's console script of the same name (see docker-compose.yml).
# The `s3` target builds the S3 server of the local stack (versitygw) instead; `service`, the
# last stage, is the default target.

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm
ARG GO_IMAGE=golang:1.26.8-bookworm

# --- s3: versitygw built with go install, as `make up` does ------------------------------------
FROM ${GO_IMAGE} AS versitygw-build
ARG VERSITYGW_VERSION=v1.7.0
RUN GOBIN=/out go install "github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}"

FROM ${PYTHON_IMAGE} AS s3
COPY --from=versitygw-build /out/versitygw /usr/local/bin/versitygw
RUN useradd --system --uid 10002 --user-group --no-create-home versitygw \
    && mkdir -p /var/lib/versitygw/data /var/lib/versitygw/iam \
    && chown -R versitygw:versitygw /var/lib/versitygw
USER versitygw
EXPOSE 9000
ENTRYPOINT ["versitygw", "--port", ":9000", "--iam-dir", "/var/lib/versitygw/iam", "--health", "/health", "--quiet"]
CMD ["posix", "/var/lib/versitygw/data"]

# --- build: a virtual environment holding one workspace package and its dependencies ----------
FROM ${PYTHON_IMAGE} AS build
ARG PACKAGE
RUN test -n "${PACKAGE}" || (echo "set --build-arg PACKAGE=<workspace package>" >&2; exit 1)
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# uv needs every workspace member's pyproject.toml to read the lock file, so all members are copied.
COPY pyproject.toml uv.lock ./
COPY shared shared
COPY services services
COPY sandboxes sandboxes
RUN uv sync --frozen --no-dev --no-editable --package "${PACKAGE}"

# --- service: the runtime image, non-root ------------------------------------------------------
FROM ${PYTHON_IMAGE} AS service
ARG PACKAGE
# Extra Debian packages, e.g. APT_PACKAGES="chromium fonts-liberation" for the hibid-bot.
ARG APT_PACKAGES=""
RUN if [ -n "${APT_PACKAGES}" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends ${APT_PACKAGES} \
        && rm -rf /var/lib/apt/lists/*; \
    fi
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/app app
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
# The stack program provisions topics, roles and buckets (the compose `provision` job).
COPY scripts/stack scripts/stack
RUN ln -s "/app/.venv/bin/${PACKAGE}" /app/entrypoint
ENV PATH=/app/.venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    AUCTION_HTTP_HOST=0.0.0.0
USER app
CMD ["/app/entrypoint"]
