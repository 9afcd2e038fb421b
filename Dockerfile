# syntax=docker/dockerfile:1
# The execution server (`genesys-tools serve`) as a container: multi-stage, runs as uid 1000,
# works with a read-only root file system (it writes only the audit volume), tools compiled to
# .tool.js so that no TypeScript loader runs in production.
#
#   docker build -t genesys-tools .                       # bakes in examples/tools
#   docker build --build-arg TOOLS=tools -t my-tools .    # your own *.tool.ts directory
#
# Tools import `defineTool` from 'genesys-tools'; inside /app that name resolves to the package
# itself (dist/). The examples import the repository's source instead, which the build rewrites.
# Kubernetes manifests that run this image: deploy/kubernetes/.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
ARG TOOLS=examples/tools
COPY ${TOOLS} ./tools-src
RUN sed -i "s#'\.\./\.\./src/index\.js'#'genesys-tools'#" tools-src/*.tool.ts \
 && npx tsc --outDir tools --rootDir tools-src --module nodenext --moduleResolution nodenext \
      --target es2022 --strict --skipLibCheck tools-src/*.tool.ts \
 && node dist/cli/main.js validate tools

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    LOG_LEVEL=info \
    GENESYS_TOOLS_AUDIT_FILE=/var/lib/genesys-tools/audit/audit.jsonl
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/tools ./tools
# The audit directory, owned by the server's user (0700, as the audit log makes it); mount a
# persistent volume here. Nothing else is written at run time.
RUN mkdir -p /var/lib/genesys-tools/audit \
 && chown -R 1000:1000 /var/lib/genesys-tools \
 && chmod 700 /var/lib/genesys-tools/audit
VOLUME ["/var/lib/genesys-tools"]
USER 1000:1000
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli/main.js", "serve", "--host", "0.0.0.0", "--port", "8080", "--metrics-port", "9464", "--tools", "tools"]
