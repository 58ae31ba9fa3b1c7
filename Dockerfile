# syntax=docker/dockerfile:1
# Build: a static, pure-Go binary (the SQLite driver needs no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/briefbot ./cmd/briefbot \
 && mkdir -p /out/data

# Run: no shell, no package manager, a non-root user, the store on a volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/briefbot /usr/local/bin/briefbot
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
ENV BRIEFBOT_STORE=/data/briefbot.db
VOLUME ["/data"]
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/briefbot"]
CMD ["run"]
