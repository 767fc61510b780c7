# One image for the three services, the operator console (and cartctl); docker-compose.yml picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# --ignore-scripts skips postinstall: apply the kafkajs patch (patches/README.md) explicitly.
RUN npm ci --ignore-scripts && npx patch-package --error-on-fail
COPY tsconfig.json nest-cli.json ./
COPY tools ./tools
COPY apps ./apps
COPY libs ./libs
COPY infra ./infra
RUN node tools/build.js && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/infra ./infra
USER node
CMD ["node", "dist/apps/command-service/src/main.js"]
