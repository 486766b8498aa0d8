import 'leaflet/dist/leaflet.css';
import { useQuery } from '@tanstack/react-query';
import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { t } from '../i18n';
import type { MapPoint } from './Map';

interface WebConfig {
  mapTileUrl: string;
  mapTileAttribution: string;
}

/**
 * The points as circle markers (drawn, so no marker images to load) over the configured tiles.
 * When tiles fail to load the points still show, with a line saying so.
 */
export default function LeafletMap({ points }: { points: MapPoint[] }) {
  const el = useRef<HTMLDivElement>(null);
  const [tilesFailed, setTilesFailed] = useState(false);
  const config = useQuery({
    queryKey: ['web-config'],
    queryFn: async () => (await (await fetch('/web-config.json')).json()) as WebConfig,
    staleTime: Number.POSITIVE_INFINITY,
  });
  useEffect(() => {
    if (!el.current || !config.data) return;
    const map = L.map(el.current, { scrollWheelZoom: false, keyboard: true });
    const tiles = L.tileLayer(config.data.mapTileUrl, {
      attribution: config.data.mapTileAttribution,
      maxZoom: 18,
    });
    tiles.on('tileerror', () => setTilesFailed(true));
    tiles.addTo(map);
    const group = L.featureGroup(
      points.map((p) =>
        L.circleMarker([p.lat, p.lng], {
          radius: 8,
          color: '#0b5cad',
          weight: 2,
          fillOpacity: 0.7,
        }).bindTooltip(p.label),
      ),
    ).addTo(map);
    map.fitBounds(group.getBounds().pad(0.2), { maxZoom: 14 });
    return () => {
      map.remove();
    };
  }, [points, config.data]);
  return (
    <>
      <div ref={el} className="leaflet-host" />
      {tilesFailed && <p className="hint">{t.search.mapFallback}</p>}
    </>
  );
}
