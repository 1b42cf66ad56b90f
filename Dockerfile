# The Mindful Code sync server. TypeScript runs from source through tsx.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY client-sdk/package.json client-sdk/
COPY server/package.json server/
RUN npm ci --omit=dev --no-audit --no-fund
COPY shared shared
COPY server server
COPY migrations migrations
USER node
EXPOSE 8080
ENV HOST=0.0.0.0 PORT=8080
CMD ["node", "--import", "tsx", "server/src/main.ts"]
