import { useQuery } from '@tanstack/react-query';
import type { CheckoutKind } from '../../api/checkout';
import { api, unwrap } from '../../api/client';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * The time zone of the held booking's place (the pick-up location, the property, the departure
 * airport), read from the kind's own booking; the browser's zone until it is known. The queries
 * share their keys with the booking pages, so those open from the cache.
 */
export function usePlaceZone(kind: CheckoutKind | undefined, id: string): string {
  const car = useQuery({
    queryKey: ['car-booking', id],
    enabled: kind === 'car',
    queryFn: () => unwrap(api.GET('/bookings/{id}', { params: { path: { id } } })),
  });
  const carInfo = useQuery({
    queryKey: ['car', car.data?.carId],
    enabled: !!car.data,
    queryFn: () => unwrap(api.GET('/cars/{id}', { params: { path: { id: car.data!.carId } } })),
  });
  const location = useQuery({
    queryKey: ['location', carInfo.data?.locationId],
    enabled: !!carInfo.data,
    queryFn: () => unwrap(api.GET('/locations/{id}', { params: { path: { id: carInfo.data!.locationId } } })),
  });
  const stay = useQuery({
    queryKey: ['stay-booking', id],
    enabled: kind === 'stay',
    queryFn: () => unwrap(api.GET('/stay-bookings/{id}', { params: { path: { id } } })),
  });
  const flight = useQuery({
    queryKey: ['flight-booking', id],
    enabled: kind === 'flight',
    queryFn: () => unwrap(api.GET('/flight-bookings/{id}', { params: { path: { id } } })),
  });
  const zone =
    kind === 'car'
      ? location.data?.timeZone
      : kind === 'stay'
        ? stay.data?.property.timeZone
        : flight.data?.segments[0]?.departureTimeZone;
  return zone ?? browserZone();
}
