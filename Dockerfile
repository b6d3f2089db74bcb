# Gongzhi production image: gunicorn serving portal.wsgi, static files through WhiteNoise.
# docker-compose.yml runs it as the web server, the django-q2 worker and the migrate step.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    MEDIA_ROOT=/app/media \
    PRIVATE_MEDIA_ROOT=/app/private-media \
    WEB_CONCURRENCY=3

# gettext compiles the translation catalogues; nothing else is needed (psycopg ships binary).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system gongzhi && useradd --system --gid gongzhi --home-dir /app gongzhi
WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', *deps])"

COPY . .
RUN pip install --no-deps .

# Static files and translations are built into the image. Production settings insist on real
# secrets and PostgreSQL; these placeholders exist only for this build step, which opens no
# database connection, and are not kept in the image's environment.
RUN SECRET_KEY=build-only-not-a-secret \
    ID_HASH_KEY=build-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost:5432/build \
    sh -c 'python manage.py collectstatic --noinput --verbosity 0 \
           && if [ -d locale ]; then python manage.py compilemessages --verbosity 0; fi'

RUN mkdir -p /app/media /app/private-media \
    && chown gongzhi:gongzhi /app/media /app/private-media
USER gongzhi

EXPOSE 8000
# gunicorn reads its worker count from WEB_CONCURRENCY.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "60", \
     "--access-logfile", "-"]
