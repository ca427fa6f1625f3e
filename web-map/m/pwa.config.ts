/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Where the build writes (vite.config.ts's build.outDir). */
const OUT_DIR = resolve(import.meta.dirname, '../../src/GridGov.Api/wwwroot');

/**
 * The files /m/ loads first: its page and what the page names (entry script, modulepreloads, CSS). The service
 * worker precaches only these; the map page's files stay out, and the lazily loaded route map (MapLibre) is cached
 * when it is first opened (runtime caching below).
 */
export function mobileShellFiles(html: string): Set<string> {
  const files = new Set<string>(['m/index.html']);
  for (const m of html.matchAll(/(?:src|href)="\/([^"?#]+)"/g)) {
    const file = m[1]!;
    if (file.startsWith('assets/') || file.startsWith('m/')) files.add(file);
  }
  return files;
}

/** vite-plugin-pwa for the crew's phone app only: scope /m/, its manifest under /m/, the worker /sw-m.js. */
export function mobilePwa(): Plugin[] {
  const plugins = VitePWA({
    injectRegister: false, // src/mobile/main.ts registers it, for /m/ only
    registerType: 'autoUpdate',
    scope: '/m/',
    base: '/',
    // At the root, scope /m/: workbox resolves the plugin's own (relative) manifest entry against the worker's path.
    filename: 'sw-m.js',
    manifestFilename: 'm/manifest.webmanifest',
    includeManifestIcons: false,
    manifest: {
      id: '/m/',
      name: 'GridGov 网格巡查',
      short_name: '网格巡查',
      description: '网格化管理 巡查队员手机端 / GridGov crew app',
      lang: 'zh-CN',
      start_url: '/m/',
      scope: '/m/',
      display: 'standalone',
      orientation: 'portrait',
      background_color: '#f4f1ea',
      theme_color: '#1c2744',
      icons: [{ src: '/m/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
    },
    workbox: {
      globDirectory: OUT_DIR,
      // The plugin adds the manifest itself.
      globPatterns: ['m/**/*.{html,svg}', 'assets/*.{js,css}'],
      manifestTransforms: [
        (entries) => {
          const shell = mobileShellFiles(readFileSync(resolve(OUT_DIR, 'm/index.html'), 'utf8'));
          // Absolute URLs: workbox resolves relative ones against the worker's own /m/ path.
          const manifest = entries.filter((e) => shell.has(e.url) || e.url.startsWith('m/')).map((e) => ({ ...e, url: `/${e.url}` }));
          return { manifest, warnings: [] };
        },
      ],
      navigateFallback: '/m/index.html',
      navigateFallbackAllowlist: [/^\/m(\/|$)/],
      cleanupOutdatedCaches: true,
      runtimeCaching: [
        {
          // Hashed file names: what was fetched once (the route map's MapLibre chunk) never changes.
          urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/'),
          handler: 'CacheFirst',
          options: { cacheName: 'gridgov-m-assets', expiration: { maxEntries: 40 } },
        },
      ],
    },
  });
  // The plugin would add <link rel="manifest"> to every page (the map's and the report page's too): m/index.html
  // names its manifest itself, the other pages get none.
  for (const plugin of plugins) if ('transformIndexHtml' in plugin) delete (plugin as { transformIndexHtml?: unknown }).transformIndexHtml;
  return plugins;
}
