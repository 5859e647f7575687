FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# pg_dump/pg_restore for `make backup` / `make restore` (Debian's 15, the compose server's major).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY hue_admin ./hue_admin
COPY core ./core
COPY accounts ./accounts
COPY communes ./communes
COPY agent_points ./agent_points
COPY records ./records
COPY stats ./stats
COPY post ./post
COPY dvcqg ./dvcqg
COPY demo ./demo
RUN pip install .
COPY . .

# With DEBUG=0, as the container runs: the manifest storage writes staticfiles.json, which
# {% static %} needs at run time. The key and host exist only for this build step.
RUN DEBUG=0 SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 portal && chown -R portal /app
USER portal

EXPOSE 8000
CMD ["gunicorn", "hue_admin.wsgi:application", "-c", "gunicorn.conf.py"]
