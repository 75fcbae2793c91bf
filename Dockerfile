# syntax=docker/dockerfile:1
# One image for the web server, the Celery worker and Celery beat
# (docker-compose.yml picks the command). Python 3.11: Django 5.2 is the
# newest line that supports it (see requirements.txt).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    STATIC_ROOT=/app/var/static

WORKDIR /app

# Requirements first, so a code change does not reinstall every package.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# collectstatic imports the settings, which refuse to start without a
# SECRET_KEY when DEBUG is off. The dummy key lives only in this RUN step's
# environment: it is not an ENV or ARG, so it is in no layer's config and
# never reaches a running container. No database is contacted.
RUN SECRET_KEY=collectstatic-at-build-time-only DEBUG=0 \
    python manage.py collectstatic --noinput -v 0

# Run as an unprivileged user. The directories that docker-compose.yml
# mounts named volumes on exist here with this owner, because Docker
# copies the image's ownership into a fresh named volume.
RUN groupadd --system --gid 10001 cadre \
    && useradd --system --uid 10001 --gid cadre --home-dir /app --no-create-home --shell /usr/sbin/nologin cadre \
    && mkdir -p /app/var/static /app/var/beat \
    && chown -R cadre:cadre /app/var
USER cadre

EXPOSE 8000
CMD ["gunicorn", "cadre.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
