# yishiting — API or projector image. The build stage compiles; the runtime keeps no compiler.
FROM python:3.11-slim AS build
# gcc and libgcrypt's headers compile application/_sm4gcm.c (SM4-GCM through libgcrypt).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libgcrypt20-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md requirements-runtime.lock ./
COPY domain domain
COPY application application
COPY projections projections
COPY interfaces interfaces
RUN python -m venv /opt/yishiting \
 && /opt/yishiting/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements-runtime.lock \
 && /opt/yishiting/bin/pip install --no-cache-dir --no-deps .

FROM python:3.11-slim
# libgcrypt20 (the runtime library the SM4-GCM module links) is part of Debian's base; named
# here so that the image says what it needs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgcrypt20 \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system yishiting && useradd --system --gid yishiting --home /srv yishiting \
 && mkdir -p /srv/var && chown -R yishiting:yishiting /srv
COPY --from=build /opt/yishiting /opt/yishiting
ENV PATH=/opt/yishiting/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    YISHITING_ENVIRONMENT=production
WORKDIR /srv
USER yishiting
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["yishiting", "serve", "--host", "0.0.0.0", "--port", "8000"]
