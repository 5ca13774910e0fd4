# syntax=docker/dockerfile:1
# Khabar worker image: Faust (faust-streaming) consumer that enriches Arabic news from Kafka.
#
#   docker build -t khabar .
#   docker run --rm -e KHABAR_BROKER=kafka://kafka:9092 -p 9108:9108 khabar
#
# Two stages: the build stage installs the project (and its wheels) into a virtualenv with
# `pip install .`; the runtime stage copies only that virtualenv, so no compiler, pip cache or
# source tree ends up in the final image.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# A compiler for the tagger's Viterbi loop (setup.py) and any dependency without a wheel for this
# platform; the final image has none.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/khabar
ENV PATH=/opt/khabar/bin:$PATH
WORKDIR /src
# Metadata first, then sources: pyproject.toml's `readme` makes README.md part of the build.
COPY pyproject.toml setup.py README.md ./
COPY agents ./agents
COPY streams ./streams
COPY schemas ./schemas
RUN pip install --upgrade pip setuptools wheel \
 && pip install . \
 && python -c "import streams.entities._viterbi" \
 && khabar --help >/dev/null

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="khabar" \
      org.opencontainers.image.description="Real-time Arabic news enrichment on Kafka (Faust worker)" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/khabar/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    KHABAR_BROKER=kafka://kafka:9092 \
    KHABAR_DATA_DIR=/var/lib/khabar \
    KHABAR_METRICS_HOST=0.0.0.0 \
    KHABAR_METRICS_PORT=9108 \
    KHABAR_PARTITIONS=8
# Non-root user with a fixed uid/gid so volume ownership is predictable.
RUN groupadd --system --gid 10001 khabar \
 && useradd --system --uid 10001 --gid khabar --home-dir /home/khabar --create-home --shell /usr/sbin/nologin khabar \
 && mkdir -p /var/lib/khabar \
 && chown khabar:khabar /var/lib/khabar
COPY --from=build /opt/khabar /opt/khabar
USER khabar
WORKDIR /home/khabar
# Prometheus /metrics, liveness /healthz and readiness /readyz.
EXPOSE 9108
# Liveness only: /readyz is 503 while a worker has no partitions (e.g. replicas > partitions,
# or during a rebalance), which is not a reason to call the container unhealthy.
# slim has no curl: use the interpreter that is already there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('KHABAR_METRICS_PORT', '9108'), timeout=4)"]
ENTRYPOINT ["khabar"]
# The broker and the data dir come from KHABAR_BROKER / KHABAR_DATA_DIR; the metrics endpoint must
# listen on 0.0.0.0 (the CLI default is 127.0.0.1) so Prometheus can reach it from another container.
CMD ["worker", "--metrics-port", "9108", "--metrics-host", "0.0.0.0"]
