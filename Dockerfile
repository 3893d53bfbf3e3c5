# Multi-stage build on Debian bookworm: the builder installs packages with the same script as
# the README (scripts/install_deps.sh) and builds the server; the runtime image holds only the
# shared libraries it links and runs as an unprivileged user.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install_deps.sh scripts/install_deps.sh
RUN apt-get update -qq && bash scripts/install_deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build --target twenty-mcp-server -j"$(nproc)"

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates curl libcaf-core0.17 \
      libcairo2 libfmt9 libjwt0 libprometheus-cpp-core1.0 libspdlog1.10 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin twenty-mcp
COPY --from=build /build/bin/twenty-mcp-server /usr/local/bin/twenty-mcp-server
COPY config/twenty-mcp-server.example.conf /etc/twenty-mcp-server/example.conf
USER twenty-mcp
# In a container the listener binds all interfaces; Host checking then needs the public name
# in MCP_ALLOWED_HOSTS (see docker-compose.yml).
ENV MCP_TRANSPORT=http MCP_HTTP_HOST=0.0.0.0 MCP_HTTP_PORT=3001 MCP_ADMIN_PORT=9464
EXPOSE 3001 9464
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:9464/health || exit 1
ENTRYPOINT ["/usr/local/bin/twenty-mcp-server"]
