# One image for every Ensemble service; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim AS build
WORKDIR /ensemble
# The patches go in before the install, whose postinstall applies them (patch-package).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci
COPY . .
# One pass compiles every service (tsconfig.build.json); they share the libraries.
RUN npx nest build

FROM node:20-bookworm-slim
WORKDIR /ensemble
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev
COPY --from=build /ensemble/dist ./dist
COPY schemas ./schemas
# The console states each topic's settings in the contract it serves (GET /asyncapi.json).
COPY infra/topics.yaml ./infra/topics.yaml
