# syntax=docker/dockerfile:1
# Mirrors the README: the same Maven wrapper build, then the same jar on a JRE.

FROM node:20-bookworm-slim AS node

FROM eclipse-temurin:17-jdk AS build
# Vaadin's frontend build uses the machine's node and npm; it never downloads its own
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s /usr/local/lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline || true
COPY db db
COPY templates templates
COPY src src
RUN ./mvnw -B -DskipTests package && cp target/llmops-studio.jar /app.jar

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && groupadd --system studio && useradd --system --gid studio --home-dir /data studio \
 && mkdir -p /data && chown studio:studio /data
COPY --from=build /app.jar /opt/llmops-studio/app.jar
# The app keeps its H2 database (unless PostgreSQL is configured) and artifacts under ./data, i.e. /data
WORKDIR /
VOLUME /data
USER studio
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/llmops-studio/app.jar"]
