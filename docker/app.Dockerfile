# One image recipe for every app: `docker build --build-arg APP=customers -f docker/app.Dockerfile .`
# Stage 1 builds the app with the whole workspace; stage 2 keeps only the bundle and its pruned
# production dependencies (Nx writes a package.json and lockfile beside the bundle).
FROM node:20-bookworm-slim AS build
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG APP
RUN npx nx build ${APP} --skip-nx-cache

FROM node:20-bookworm-slim
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/ ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
USER node
CMD ["node", "main.js"]
