import type { paths } from './schema';

/** Shorthands for response bodies of the generated schema (no type is written by hand). */
type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer B } } };
}
  ? B
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer B } } } }
    ? B
    : never;

export type Place = Ok<'/places', 'get'>['places'][number];
export type CarResult = Ok<'/search', 'get'>['cars'][number];
export type Car = Ok<'/cars/{id}', 'get'>;
export type CarBooking = Ok<'/bookings/{id}', 'get'>;
export type StayOffer = Ok<'/stays/search', 'get'>['properties'][number];
export type StayBooking = Ok<'/stay-bookings/{id}', 'get'>;
export type FlightOffer = Ok<'/flights/search', 'get'>['offers'][number];
export type FlightBooking = Ok<'/flight-bookings/{id}', 'get'>;
export type Trip = Ok<'/trips/{id}', 'get'>;
export type TripItem = Ok<'/trips/{id}/items', 'get'>['items'][number];
export type Plan = Ok<'/trips/{id}/plan', 'get'>;
export type Poi = Ok<'/pois', 'get'>['pois'][number];
export type CarSearchQuery = NonNullable<paths['/search']['get']['parameters']['query']>;
export type ItemCreate = NonNullable<
  paths['/trips/{id}/items']['post']['requestBody']
>['content']['application/json'];
export type PlanRequest = NonNullable<
  paths['/trips/{id}/plan']['post']['requestBody']
>['content']['application/json'];
export type Collaborator = Ok<'/trips/{id}/collaborators', 'get'>['collaborators'][number];
