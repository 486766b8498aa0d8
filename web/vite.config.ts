import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

// The web app: built into web/dist, which the all and gateway roles serve at /. Hashed files land in
// assets/ and are pre-compressed (.gz, .br) so that the server sends them without compressing.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    react(),
    compression({ algorithms: ['gzip', 'brotliCompress'], exclude: [/\.html$/], threshold: 0 }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: Object.fromEntries(
      [
        '/auth',
        '/users',
        '/cars',
        '/locations',
        '/search',
        '/bookings',
        '/stays',
        '/stay-bookings',
        '/flights',
        '/flight-bookings',
        '/airports',
        '/pois',
        '/places',
        '/trips',
        '/calendar',
        '/web-config.json',
      ].map((p) => [
        p,
        {
          target: 'http://127.0.0.1:3000',
          bypass: (req) => (req.headers.accept?.includes('text/html') ? req.url : undefined),
        },
      ]),
    ),
  },
});
