# Containers and scale-out (docker/, deploy/k8s/, docs/deploy.md).
#
#   make container-test   podman set-up when needed, build docker/Dockerfile,
#                         run it: /healthz, /eval, HEALTHCHECK, SIGTERM stop,
#                         image size <= 100 MB
#   make scale-test       3 activd behind docker/nginx.conf on loopback, wrk
#                         20 s while one replica is killed and restarted
#   make k8s-validate     deploy/k8s against the Kubernetes schemas, offline

.PHONY: container-test scale-test k8s-validate

container-test:
	sh docker/container-test.sh

scale-test: deps $(ACTIVD)
	ACTIVD=$(ACTIVD) BUILD=$(BUILD) sh docker/scale-test.sh

k8s-validate:
	cd deploy/k8s/test && npm ci --no-audit --no-fund --loglevel=error && node validate.mjs
	@if command -v kubectl >/dev/null; then \
	  kubectl kustomize deploy/k8s >/dev/null && echo "kubectl kustomize deploy/k8s: ok"; fi
