# syntax=docker/dockerfile:1
# micromet: a slim, non-root image with the content seeded into SQLite at build time.
#   docker run -p 8000:8000 IMAGE                                   serves the embedded SQLite dataset at once
#   docker run -e MICROMET_DATABASE_URL=postgresql+psycopg://... IMAGE   serves PostgreSQL instead (see compose.yaml)

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MICROMET_SEED_DIR=/srv/micromet/seed \
    MICROMET_DATABASE_URL=sqlite:////srv/micromet/data/micromet.sqlite3
RUN useradd --system --uid 10001 --home-dir /srv/micromet micromet \
    && mkdir -p /srv/micromet/data \
    && chown 10001:10001 /srv/micromet/data
WORKDIR /srv/micromet
COPY --from=build /opt/venv /opt/venv
COPY seed ./seed
USER 10001:10001
RUN micromet check && micromet seed
EXPOSE 8000
# SIGTERM drains: /readyz answers 503, requests in flight finish within the grace, then the process exits 0.
# Give `docker stop --time` (compose: stop_grace_period) at least twice the grace.
ENV MICROMET_SHUTDOWN_GRACE=10
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["micromet", "serve", "--host", "0.0.0.0", "--port", "8000"]
