# Production image: the same uv.lock as `make demo` and `make test` (scripts/lib.sh), on Debian
# bookworm's own Python 3.11 and system libraries. CI builds it with podman and serves it
# (scripts/image-check.sh: web, worker, a filing, a signed receipt); docs/deploy.md.
# `debian:bookworm-slim` is the public image in production; in CI the same name is given to a
# base made by mmdebstrap from Debian's packages (no registry is reachable there).

# --- build: the locked dependencies in /opt/venv ------------------------------------------------
FROM debian:bookworm-slim AS build
ARG UV_VERSION=0.13.9
# The CA bundle pip and uv trust when they fetch from PyPI: the image's own by default; a build
# machine behind a TLS-inspecting proxy mounts its bundle and names it (scripts/image-check.sh).
ARG BUILD_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/uv \
 && PIP_CERT=$BUILD_CA_BUNDLE /opt/uv/bin/pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN SSL_CERT_FILE=$BUILD_CA_BUNDLE UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy \
    /opt/uv/bin/uv sync --frozen --no-dev --no-install-project --no-cache --python /usr/bin/python3.11

# --- runtime: Python, GDAL/GEOS/PROJ, Pango for the PDFs, a non-root user, gunicorn -------------
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 libgdal32 libgeos-c1v5 libproj25 \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/permis permis
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# The application (.dockerignore leaves out local state); the INSEE referential comes along
# when devservices/franceconnect's npm packages are installed (scripts/lib.sh).
COPY . .
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PERMIS_STATIC_ROOT=/app/staticfiles \
    PERMIS_MEDIA_ROOT=/var/lib/permis/media \
    PERMIS_DOCUMENTS_ROOT=/var/lib/permis/documents \
    PERMIS_PKI_DIR=/var/lib/permis/pki \
    PROMETHEUS_MULTIPROC_DIR=/tmp/permis-metrics
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnop \
    python manage.py collectstatic --no-input -v0 \
 && python -m compileall -q /app \
 && mkdir -p /var/lib/permis/media /var/lib/permis/documents /var/lib/permis/pki \
 && chown -R permis:permis /var/lib/permis
ENV PERMIS_ENV=production
USER permis
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s CMD ["python", "-m", "config.healthcheck"]
# The web server (PERMIS_BIND, PERMIS_WEB_WORKERS); the worker is the same image with
# `python manage.py procrastinate worker`, the migrations `python manage.py migrate --no-input`.
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn_conf.py"]
