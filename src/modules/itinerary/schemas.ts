import { z } from 'zod';
import { POI_CATEGORIES } from '../pois/tables.js';
import { PACES } from './planner.js';

export const PlanRequest = z.object({
  /** Categories to choose from; every category when empty. Must-sees are chosen whatever theirs. */
  interests: z.array(z.enum(POI_CATEGORIES)).max(POI_CATEGORIES.length).default([]),
  pace: z.enum(Object.keys(PACES) as [keyof typeof PACES]).default('moderate'),
  /** Highest price level to choose (0 free … 4 expensive); must-sees are chosen whatever they cost. */
  budget: z.number().int().min(0).max(4).default(4),
  mustSee: z.array(z.uuid()).max(30).default([]),
});
export type PlanRequest = z.infer<typeof PlanRequest>;

export const PlanStop = z.object({
  poiId: z.uuid(),
  name: z.string(),
  category: z.string(),
  lat: z.number(),
  lng: z.number(),
  travelMinutes: z.number().int(),
  visitMinutes: z.number().int(),
  /** Local wall-clock times at the destination … */
  arrive: z.string(),
  start: z.string(),
  end: z.string(),
  /** … and the same as instants. */
  startAt: z.string(),
  endAt: z.string(),
});
export type PlanStop = z.infer<typeof PlanStop>;

export const PlanDay = z.object({
  date: z.string(),
  base: z.object({ name: z.string(), lat: z.number(), lng: z.number() }),
  window: z.object({ start: z.string(), end: z.string() }),
  travelMinutes: z.number().int(),
  stops: z.array(PlanStop),
});
export type PlanDay = z.infer<typeof PlanDay>;

export const Plan = z.object({
  id: z.uuid(),
  tripId: z.uuid(),
  source: z.enum(['builtin', 'llm']),
  /** Why the LLM's proposal was not used, when it was asked. */
  fallbackReason: z.string().nullable(),
  request: PlanRequest,
  timeZone: z.string(),
  days: z.array(PlanDay),
  totalTravelMinutes: z.number().int(),
  warnings: z.array(z.string()),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
});
export type Plan = z.infer<typeof Plan>;
