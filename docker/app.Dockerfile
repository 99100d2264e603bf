# One image recipe for every app: `docker build --build-arg APP=customers -f docker/app.Dockerfile .`
# Stage 1 builds the app with the whole workspace; stage 2 keeps only the bundle and its pruned
# production dependencies (Nx writes a package.json and lockfile beside the bundle).
# Both stages install as the README and .ci/run do: `npm install` follows package-lock.json; `npm ci`
# is not used because it refuses a lock that lacks other platforms' optional binaries.
FROM node:20-bookworm-slim AS build
# one build in a throw-away container: no Nx daemon
ENV NX_DAEMON=false
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "${APP}" || (echo 'build with --build-arg APP=<customers|xero-sync|xero-sandbox>' >&2; exit 1)
RUN npx nx build ${APP} --skip-nx-cache

FROM node:20-bookworm-slim
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/ ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
USER node
CMD ["node", "main.js"]
