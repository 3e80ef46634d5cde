# Production image: the same uv.lock as `make demo` and `make test` (scripts/lib.sh).
# Not exercised in CI (no Docker engine on the build machines); see docs/deploy.md.

# --- build: resolve the locked dependencies into a virtualenv ---------------------------------
FROM python:3.11-slim-bookworm AS build
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN UV_PROJECT_ENVIRONMENT=/opt/venv uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnop \
    PERMIS_STATIC_ROOT=/app/staticfiles /opt/venv/bin/python manage.py collectstatic --no-input -v0

# --- runtime: system libraries for GeoDjango, a non-root user, gunicorn ------------------------
FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 libgeos-c1v5 libproj25 libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app permis
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=permis:permis /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PERMIS_ENV=production \
    PERMIS_STATIC_ROOT=/app/staticfiles \
    PERMIS_MEDIA_ROOT=/var/lib/permis/media
RUN mkdir -p /var/lib/permis/media && chown permis:permis /var/lib/permis/media
USER permis
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sante/')"
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
