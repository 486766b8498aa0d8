/** What every generated Kubernetes object shares: Voyage's labels, image and port. */
export const APP_LABEL = 'app.kubernetes.io/name';
export const ROLE_LABEL = 'app.kubernetes.io/component';
export const CONTAINER_PORT = 3000;
/** The image every overlay pins (kustomize `images`); the base carries this build's version. */
export const VOYAGE_IMAGE = 'ghcr.io/voyage-travel/voyage';
export const DEFAULT_PROMETHEUS_URL = 'http://prometheus-operated.monitoring.svc:9090';

export type Obj = Record<string, unknown>;

export const labels = (role: string) => ({ [APP_LABEL]: 'voyage', [ROLE_LABEL]: role });
