# The load balancer of docker/compose.yaml: Debian's nginx (the same one
# docker/scale-test.sh tests) with docker/nginx.conf. Built from the same base
# as activd, so `compose up` needs no image but debian:bookworm-slim.
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && rm -f /etc/nginx/sites-enabled/default
COPY docker/nginx.conf /etc/nginx/nginx.conf
EXPOSE 8080
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /nginx-healthz HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ s _ <&3 && [ \"$s\" = 200 ]"]
CMD ["nginx", "-g", "daemon off;"]
