/** What smoke steps are made of; shared by the core and the travel steps. */

// biome-ignore-start lint/suspicious/noExplicitAny: JSON answered by the service under test
export interface SmokeClient {
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: any }>;
  state: Record<string, any>;
}
// biome-ignore-end lint/suspicious/noExplicitAny: JSON answered by the service under test

export interface SmokeStepDef {
  name: string;
  run(client: SmokeClient): Promise<void>;
}

export class StepFailure extends Error {}

export function expectStatus(res: { status: number; json: unknown }, expected: number, what: string) {
  if (res.status !== expected) {
    throw new StepFailure(
      `${what}: expected HTTP ${expected}, got ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`,
    );
  }
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}
