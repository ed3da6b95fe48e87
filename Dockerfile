# The sucai image: `sucai serve` on port 8000; the library (SQLite) and the search index under
# /var/lib/sucai. The dependencies are installed from requirements.lock, hashes checked.
#   docker build -t sucai .
#   docker run -p 8000:8000 -v sucai:/var/lib/sucai sucai
# For the PostgreSQL set-up (a database, two servers, nginx) see compose.yaml and
# docs/deploy.md ("Containers"), which also says how this file is checked.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
RUN python -m venv /opt/sucai \
    && /opt/sucai/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN /opt/sucai/bin/pip install --no-deps .

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --home-dir /var/lib/sucai --create-home sucai
COPY --from=build /opt/sucai /opt/sucai
ENV PATH=/opt/sucai/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SUCAI_DB=/var/lib/sucai/library.db
USER 10001
WORKDIR /var/lib/sucai
VOLUME ["/var/lib/sucai"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["sucai", "serve", "--host", "0.0.0.0", "--port", "8000"]
