# The simulator's own image, for `docker compose up` (compose.yaml). BASE_IMAGE may also be
# the offline Debian image (`lambda-sim/base:bookworm`), whose python3 has no pip and is
# marked externally managed by Debian.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

# A venv works with both bases; only Debian's python3 needs python3-venv from apt to make one.
RUN python3 -m venv /opt/lambda-sim 2>/dev/null || { \
        rm -rf /opt/lambda-sim \
        && apt-get update \
        && apt-get install -y --no-install-recommends python3-venv \
        && rm -rf /var/lib/apt/lists/* \
        && python3 -m venv /opt/lambda-sim; }
ENV PATH=/opt/lambda-sim/bin:$PATH PYTHONUNBUFFERED=1

# Behind a proxy that re-signs TLS, pass its CA certificates (PEM text) so pip trusts them:
# EXTRA_CA_CERTS="$(cat proxy-ca.pem)" docker compose build. pip then checks against the
# system bundle (which has them) instead of its own.
ARG EXTRA_CA_CERTS=""
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
        printf '%s\n' "$EXTRA_CA_CERTS" >> /etc/ssl/certs/ca-certificates.crt; fi
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_NO_CACHE_DIR=1

# Root, because the simulator drives the host's Docker engine through its socket; functions
# run unprivileged in containers of their own. 0.0.0.0 is right inside a container: compose
# publishes the port on the host's 127.0.0.1 only, and the server, given no token, generates
# one that other containers on its network must sign with. (Set before the code is copied, so a code
# change rebuilds as few steps as possible.)
EXPOSE 4570
ENTRYPOINT ["lambda-sim", "serve", "--host", "0.0.0.0"]

# Dependencies first, from pyproject.toml alone (no package to find yet, so this installs just
# the dependencies), with the build backend: editing the simulator's code then reuses this
# slow layer, and the last step installs the code alone without reaching out for anything.
COPY pyproject.toml README.md /src/
RUN pip install /src "setuptools>=68" && pip uninstall -y -q lambda-simulator

# The runtime images' sources stay in the image: the process executor runs their bootstraps.
COPY runtime_images/ /usr/local/share/lambda-sim/runtime_images/
ENV LAMBDA_SIM_RUNTIME_IMAGES=/usr/local/share/lambda-sim/runtime_images
COPY simulator/ /src/simulator/
RUN pip install --no-deps --no-build-isolation /src && rm -rf /src
