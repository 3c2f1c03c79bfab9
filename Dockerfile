# The demo block-storage host. Build: docker build -t block-storage-api .
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt addon for this Node version; the compiler is its fallback when it cannot.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs ./libs
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The default SQLite file lives in data/ (DATABASE_URL=sqlite:data/block-storage.sqlite).
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
