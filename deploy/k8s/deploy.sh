#!/usr/bin/env bash
# Releases Voyage to one environment in order: shared objects, then the migration Job (and waits
# for it), then everything else, then waits for the Argo Rollouts to finish their analysis.
#   deploy/k8s/deploy.sh [--migrate-only] staging|production [IMAGE]
# IMAGE (e.g. ghcr.io/voyage-travel/voyage@sha256:…) replaces the overlay's image everywhere.
# Needs kubectl with access to the cluster; uses the kubectl-argo-rollouts plugin when present.
set -euo pipefail

migrate_only=false
if [ "${1:-}" = "--migrate-only" ]; then migrate_only=true; shift; fi
overlay="${1:?usage: deploy.sh [--migrate-only] staging|production [IMAGE]}"
image="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/overlays/$overlay"
[ -d "$dir" ] || { echo "deploy.sh: no overlay $overlay in $here/overlays" >&2; exit 2; }
timeout="${VOYAGE_DEPLOY_TIMEOUT:-900}"

manifests="$(mktemp)"
trap 'rm -f "$manifests"' EXIT
kubectl kustomize "$dir" >"$manifests"
if [ -n "$image" ]; then
  sed -E -i "s#(image: *)\"?ghcr\.io/voyage-travel/voyage[:@][^\" ]+\"?#\1${image}#" "$manifests"
fi
ns="$(awk '/^kind: Namespace$/ {ns=1} ns && /^  name: / {print $2; exit}' "$manifests")"
step() { printf '\n== %s\n' "$*" >&2; }

step "shared objects (namespace, config, policies, analysis templates)"
kubectl apply -f "$manifests" -l 'app.kubernetes.io/component notin (gateway,api,worker,migrate)'

step "migrations (Job voyage-migrate)"
# A Job's pod template cannot change: replace the previous run.
kubectl -n "$ns" delete job voyage-migrate --ignore-not-found --wait=true
kubectl apply -f "$manifests" -l app.kubernetes.io/component=migrate
deadline=$((SECONDS + timeout))
while :; do
  succeeded="$(kubectl -n "$ns" get job voyage-migrate -o 'jsonpath={.status.succeeded}')"
  failed="$(kubectl -n "$ns" get job voyage-migrate -o 'jsonpath={.status.conditions[?(@.type=="Failed")].status}')"
  if [ "${succeeded:-0}" -ge 1 ]; then break; fi
  if [ "$failed" = "True" ] || [ "$SECONDS" -ge "$deadline" ]; then
    kubectl -n "$ns" logs job/voyage-migrate --tail=100 >&2 || true
    echo "deploy.sh: migrations failed; nothing else was changed" >&2
    exit 1
  fi
  sleep 5
done
kubectl -n "$ns" logs job/voyage-migrate --tail=20 >&2 || true
if $migrate_only; then exit 0; fi

step "workloads (Deployments, Rollouts, Services, autoscalers)"
kubectl apply -f "$manifests"

step "release analysis"
if kubectl argo rollouts version >/dev/null 2>&1; then
  for rollout in voyage-api voyage-gateway; do
    kubectl argo rollouts status "$rollout" -n "$ns" --timeout "${timeout}s"
  done
else
  echo "kubectl-argo-rollouts not installed: not waiting for the Rollouts (watch them with it)" >&2
fi
kubectl -n "$ns" rollout status deployment/voyage-worker --timeout "${timeout}s"
