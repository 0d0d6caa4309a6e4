# Production-like image: the same code runs web (gunicorn), worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# The build steps load the settings, which need a key; it is not kept in the image (run it with SECRET_KEY set).
RUN pip install --no-cache-dir -c constraints.txt pip setuptools \
 && pip install --no-cache-dir -c constraints.txt . polib \
 && export SECRET_KEY=image-build-only-key-never-used-at-run-time-0123456789abcdef \
 && python manage.py compilemessages --ignore=.venv -v 0 \
 && python scripts/django_traditional_catalogues.py \
 && python manage.py collectstatic --no-input -v 0
RUN useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "newsletter.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
