# One image for every Ensemble service; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim AS build
WORKDIR /ensemble
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN for project in $(node -e "const p=require('./nest-cli.json').projects;console.log(Object.keys(p).filter(k=>p[k].type==='application').join(' '))"); do npx nest build "$project"; done

FROM node:20-bookworm-slim
WORKDIR /ensemble
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY --from=build /ensemble/dist ./dist
COPY schemas ./schemas
