import { request } from 'undici';
import { z } from 'zod';

/**
 * An OpenAI-compatible chat-completions provider asked to choose places per day. Its answer is
 * constrained by a JSON schema in the request (`response_format: json_schema`) and validated
 * again here; the caller checks it against the catalogue and the day's constraints.
 */
export const LlmChoice = z.object({
  days: z.array(z.object({ date: z.string(), poiIds: z.array(z.string()) })),
});
export type LlmChoice = z.infer<typeof LlmChoice>;

// Strict-mode providers accept the schema itself, without the $schema marker.
const { $schema: _marker, ...jsonSchema } = z.toJSONSchema(LlmChoice, { target: 'draft-7' });
export const LLM_RESPONSE_SCHEMA = jsonSchema;

export class LlmError extends Error {
  constructor(
    readonly reason: 'llm_timeout' | 'llm_unavailable' | 'llm_invalid_json' | 'llm_invalid_output',
    message: string,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface LlmOptions {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
}

export interface LlmPrompt {
  system: string;
  user: unknown;
}

export function createLlmClient(opts: LlmOptions) {
  return {
    model: opts.model,

    async choose(prompt: LlmPrompt): Promise<LlmChoice> {
      let body: string;
      try {
        const res = await request(`${opts.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: opts.model,
            temperature: 0.2,
            messages: [
              { role: 'system', content: prompt.system },
              { role: 'user', content: JSON.stringify(prompt.user) },
            ],
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'itinerary_choice', strict: true, schema: LLM_RESPONSE_SCHEMA },
            },
          }),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        body = await res.body.text();
        if (res.statusCode >= 300)
          throw new LlmError('llm_unavailable', `provider answered HTTP ${res.statusCode}`);
      } catch (err) {
        if (err instanceof LlmError) throw err;
        const name = (err as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError')
          throw new LlmError('llm_timeout', `no answer within ${opts.timeoutMs} ms`);
        throw new LlmError('llm_unavailable', (err as Error).message);
      }
      let content: unknown;
      try {
        const completion = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
        content = completion.choices?.[0]?.message?.content;
        if (typeof content !== 'string') throw new Error('no message content');
        content = JSON.parse(content);
      } catch (err) {
        throw new LlmError('llm_invalid_json', `answer is not the JSON asked for: ${(err as Error).message}`);
      }
      const parsed = LlmChoice.safeParse(content);
      if (!parsed.success)
        throw new LlmError(
          'llm_invalid_output',
          `answer does not match the schema: ${parsed.error.issues[0]?.message}`,
        );
      return parsed.data;
    },
  };
}

export type LlmClient = ReturnType<typeof createLlmClient>;
