/// <reference types="node" />
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { mobilePwa } from './m/pwa.config';

const api = 'http://127.0.0.1:5080';

/** The pages: the map (/), the crew's phone app (/m/), the resident's report page (/report), the community worker's page (/community/); a page not there yet is skipped. */
const pages = Object.fromEntries(
  Object.entries({ main: 'index.html', m: 'm/index.html', report: 'report/index.html', community: 'community/index.html' }).filter(([, file]) => existsSync(resolve(import.meta.dirname, file))),
);

export default defineConfig({
  base: '/',
  plugins: [mobilePwa()],
  build: {
    outDir: '../src/GridGov.Api/wwwroot',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // maplibre-gl alone is ~1 MB minified; it is split into its own chunk below.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: pages,
      output: {
        // The MapLibre worker is copied as an asset; give it a .js name so any static file
        // server (ASP.NET's included) serves it with a JavaScript MIME type.
        assetFileNames: (asset) =>
          asset.names.some((n) => n.endsWith('.mjs')) ? 'assets/[name]-[hash].js' : 'assets/[name]-[hash][extname]',
        codeSplitting: {
          groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ }],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/tiles': { target: api, changeOrigin: false },
      '/health': { target: api, changeOrigin: false },
      '/hubs': { target: api, changeOrigin: false, ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
