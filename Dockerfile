# inspection-bot: `docker build -t inspection-bot .` then
#   docker run -d --name inspection-bot -p 127.0.0.1:3000:3000 -v /srv/inspection-bot:/data \
#     --env-file /etc/inspection-bot/env --stop-timeout 10 inspection-bot
# tsx runs the TypeScript sources, so it is a runtime dependency and `npm ci --omit=dev` keeps it.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bot ./bot
COPY handlers ./handlers
COPY data ./data

# The data directory (the store, journals, groups.json, calendar.json) is a volume: back it up.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Node itself is PID 1's child through tini-less exec form: it handles SIGTERM (stops within 10 s).
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "bot/main.ts"]
