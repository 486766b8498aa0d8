const DAY_MS = 86_400_000;

/** Rentals are charged per started 24-hour period. */
export function rentalDays(pickup: Date, dropoff: Date): number {
  return Math.max(1, Math.ceil((dropoff.getTime() - pickup.getTime()) / DAY_MS));
}

export function rentalPrice(dailyRate: number, pickup: Date, dropoff: Date): number {
  return rentalDays(pickup, dropoff) * dailyRate;
}
