import { lazy, Suspense } from 'react';
import { t } from '../i18n';

export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  label: string;
}

const LeafletMap = lazy(() => import('./LeafletMap'));

/** A map beside a list of places: Leaflet, loaded only when a map is shown. */
export function MapView({ points, label }: { points: MapPoint[]; label: string }) {
  if (points.length === 0) return null;
  return (
    <section className="map" aria-label={label}>
      <Suspense fallback={<p className="map-loading">{t.app.loading}</p>}>
        <LeafletMap points={points} />
      </Suspense>
    </section>
  );
}
