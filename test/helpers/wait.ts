import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `check` holds; fails with `what` after the timeout. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what = 'condition',
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}
