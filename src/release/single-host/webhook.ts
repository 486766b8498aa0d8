/**
 * Release notifications as Slack-compatible JSON (`text`, which Slack, Mattermost and Rocket.Chat
 * incoming webhooks all show), with the details under `voyage` for other receivers. A webhook
 * that fails is reported, never allowed to fail the release.
 */
export interface ReleaseNotice {
  event: 'promoted' | 'rolled-back' | 'aborted' | 'failed';
  version: string;
  previousVersion: string | null;
  slot: string;
  reason: string | null;
  releaseId: string;
  host: string;
}

const ICONS: Record<ReleaseNotice['event'], string> = {
  promoted: ':white_check_mark:',
  'rolled-back': ':rotating_light:',
  aborted: ':warning:',
  failed: ':x:',
};

export function noticeText(n: ReleaseNotice): string {
  const what = {
    promoted: `Voyage ${n.version} is live on ${n.host}`,
    'rolled-back': `Voyage ${n.version} was rolled back on ${n.host}; ${n.previousVersion ?? 'the previous version'} serves`,
    aborted: `Voyage ${n.version} was aborted on ${n.host}`,
    failed: `Voyage ${n.version} failed to deploy on ${n.host}`,
  }[n.event];
  return `${ICONS[n.event]} ${what}${n.reason ? `: ${n.reason}` : ''} (release ${n.releaseId}, slot ${n.slot})`;
}

export async function notify(url: string | undefined, notice: ReleaseNotice): Promise<string | null> {
  if (!url) return null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: noticeText(notice), voyage: notice }),
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.ok ? null : `webhook answered HTTP ${res.status}`;
  } catch (err) {
    return `webhook failed: ${(err as Error).message}`;
  }
}
