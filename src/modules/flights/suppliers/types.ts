import type { Db } from '../../database.js';
import type { FlightSearchQuery, Offer, Passenger } from '../schemas.js';
import type { SupplierName } from '../tables.js';

/** An offer as cached under `offer:<id>`: what was shown, plus what the supplier needs to sell it. */
export interface SupplierOffer extends Offer {
  supplierData: Record<string, unknown>;
}

export interface SupplierOrder {
  orderId: string;
  bookingReference: string;
  totalAmount: number;
  currency: string;
}

export type SupplierErrorCode =
  | 'offer_expired'
  | 'price_changed'
  | 'sold_out'
  | 'rate_limited'
  | 'rejected'
  | 'unavailable';

/** A supplier's failure in Voyage's words; the service turns it into an HTTP answer. */
export class SupplierError extends Error {
  constructor(
    readonly supplier: SupplierName,
    readonly code: SupplierErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SupplierError';
  }
}

/**
 * One interface over every source of flights. Orders of a `local` supplier are written in the
 * booking's own transaction (`tx`); a remote supplier's order is placed before it.
 */
export interface FlightSupplier {
  readonly name: SupplierName;
  readonly local: boolean;
  searchOffers(query: FlightSearchQuery): Promise<SupplierOffer[]>;
  /** The offer as the supplier sees it now; SupplierError offer_expired when it is gone. */
  getOffer(offer: SupplierOffer): Promise<SupplierOffer>;
  createOrder(offer: SupplierOffer, passengers: Passenger[], tx?: Db): Promise<SupplierOrder>;
  cancelOrder(
    order: { orderId: string; ownFlightId: string | null; cabin: string; seats: number },
    tx?: Db,
  ): Promise<void>;
  health(): Promise<boolean>;
}
