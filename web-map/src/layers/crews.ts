import type { Feature, Point } from 'geojson';
import type {
  ExpressionSpecification,
  GeoJSONSource,
  GeoJSONSourceSpecification,
  LayerSpecification,
  Map as MapLibreMap,
} from 'maplibre-gl';
import { clockSkewMs, crewColorExpression, crewFeature, isDimmed, type CrewCollection, type CrewProperties } from '../crews';
import type { LonLat } from '../geo';
import { LatestFixes, LIVE_TICK_MS, retarget, tweenAt, tweenDone, type Tween } from '../positions';
import { COLORS, halo, SOURCES, zoomInterp } from '../theme';
import type { Crew } from '../types';

export const CREW_POINT_LAYER = 'crews-point';
export const CREW_LABEL_LAYER = 'crews-label';
/** Crews are drawn under the large grid names and the incidents, so an incident beneath a crew stays clickable. */
export const CREW_LAYERS_BEFORE = 'large-grid-label';

/** Longest a hold (see CrewsLayer.hold) keeps the crews still, should the map never go idle. */
export const HOLD_MAX_MS = 3000;

const dimmed = <T extends number | string>(on: T, off: T): ExpressionSpecification => ['case', ['==', ['get', 'dim'], 1], on, off];

/** The crew layers: a dot coloured by role, ringed dark, faded when off shift or stale; the name from z15. */
export function crewLayers(): LayerSpecification[] {
  return [
    {
      id: CREW_POINT_LAYER,
      type: 'circle',
      source: SOURCES.crews,
      layout: { 'circle-sort-key': ['-', 1, ['get', 'dim']] },
      paint: {
        'circle-color': crewColorExpression(),
        'circle-radius': zoomInterp([[10, 3.5], [14, 5.5], [18, 8]], 1),
        'circle-stroke-color': dimmed(COLORS.crewDimStroke, COLORS.crewStroke),
        'circle-stroke-width': 1.5,
        'circle-opacity': dimmed(0.35, 1),
        'circle-stroke-opacity': dimmed(0.5, 1),
      },
    },
    {
      id: CREW_LABEL_LAYER,
      type: 'symbol',
      source: SOURCES.crews,
      minzoom: 15,
      layout: {
        'text-field': ['to-string', ['get', 'name']],
        'text-size': 11,
        'text-anchor': 'left',
        'text-offset': [0.8, 0],
        'text-optional': true,
      },
      paint: { 'text-color': COLORS.crewLabel, 'text-opacity': dimmed(0.5, 1), ...halo },
    },
  ];
}

export const CREW_LAYER_IDS: readonly string[] = crewLayers().map((l) => l.id);

const empty = (): CrewCollection => ({ type: 'FeatureCollection', features: [] });

export const crewSource = (): GeoJSONSourceSpecification => ({ type: 'geojson', data: empty() });

/** Adds the crews source and its layers below the grid names (idempotent). */
export function addCrews(map: MapLibreMap, visible: boolean): void {
  if (!map.getSource(SOURCES.crews)) map.addSource(SOURCES.crews, crewSource());
  for (const layer of crewLayers()) {
    if (!map.getLayer(layer.id)) map.addLayer(layer, map.getLayer(CREW_LAYERS_BEFORE) ? CREW_LAYERS_BEFORE : undefined);
    map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
  }
}

export function removeCrews(map: MapLibreMap): void {
  for (const id of CREW_LAYER_IDS) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(SOURCES.crews)) map.removeSource(SOURCES.crews);
}

export interface CrewsLayerOptions {
  map: Pick<MapLibreMap, 'getSource'>;
  /** Wall clock (epoch ms) for how old a fix is. */
  now?: () => number;
  /** Animation clock (ms), the one requestAnimationFrame runs on. */
  frameClock?: () => number;
  requestFrame?: (callback: () => void) => number;
  cancelFrame?: (handle: number) => void;
  /** How long a move to a new fix is drawn over. */
  animationMs?: number;
  /** The number of crews drawn changed. */
  onCount?: (count: number) => void;
}

export interface CrewsLayer {
  /** The list of `GET /api/crews`; the positions in it count as fixes too. */
  setRoster(crews: readonly Crew[], receivedAt?: number): void;
  /** Fixes of a `positions` message; stale ones are dropped. Returns the ids of accepted crews not in the list. */
  accept(fixes: unknown): number[];
  /** The latest fix accepted for `crewId`. */
  latest(crewId: number): { lon: number; lat: number; t: string } | null;
  /** Where `crewId` is drawn: its coordinate in the data last given to the source. */
  rendered(crewId: number): LonLat | null;
  /** Stops handing data to the source (so the map can go idle) until the returned function is called. */
  hold(): () => void;
  /** Draws again now, e.g. for crews that have gone stale meanwhile. */
  redraw(): void;
  /** Forgets every crew and empties the source. */
  clear(): void;
  readonly count: number;
}

/**
 * The live crews: the latest fix per crew, and a requestAnimationFrame loop that moves each dot from where it is
 * drawn to its new fix over `animationMs`, handing the whole collection to the one GeoJSON source with setData.
 */
export function createCrewsLayer(options: CrewsLayerOptions): CrewsLayer {
  const now = options.now ?? (() => Date.now());
  const frameClock = options.frameClock ?? (() => performance.now());
  const requestFrame = options.requestFrame ?? ((cb) => requestAnimationFrame(() => cb()));
  const cancelFrame = options.cancelFrame ?? ((h) => cancelAnimationFrame(h));
  const duration = options.animationMs ?? LIVE_TICK_MS;

  const roster = new Map<number, Crew>();
  const fixes = new LatestFixes();
  const tweens = new Map<number, Tween>();
  let drawn = new Map<number, Feature<Point, CrewProperties>>();
  let skewMs = 0;
  let frame: number | null = null;
  let holds = 0;
  let count = 0;

  function draw(): void {
    frame = null;
    if (holds > 0) return;
    const t = frameClock();
    const wall = now();
    const data = empty();
    const next = new Map<number, Feature<Point, CrewProperties>>();
    let moving = false;
    for (const id of fixes.ids()) {
      const fix = fixes.get(id)!;
      const tween = tweens.get(id);
      const at: LonLat = tween ? tweenAt(tween, t) : [fix.lon, fix.lat];
      if (tween && !tweenDone(tween, t)) moving = true;
      const feature = crewFeature(id, roster.get(id), at, isDimmed(roster.get(id), fix.at.ms, wall, skewMs));
      data.features.push(feature);
      next.set(id, feature);
    }
    drawn = next;
    options.map.getSource<GeoJSONSource>(SOURCES.crews)?.setData(data);
    if (count !== data.features.length) {
      count = data.features.length;
      options.onCount?.(count);
    }
    if (moving) schedule();
  }

  function schedule(): void {
    if (frame === null && holds === 0) frame = requestFrame(draw);
  }

  function take(raw: unknown, unknown: number[] | null): void {
    const fix = fixes.accept(raw);
    if (!fix) return;
    tweens.set(fix.crewId, retarget(tweens.get(fix.crewId), [fix.lon, fix.lat], frameClock(), duration));
    if (unknown && !roster.has(fix.crewId)) unknown.push(fix.crewId);
  }

  return {
    setRoster(crews, receivedAt = now()) {
      roster.clear();
      for (const crew of crews) {
        roster.set(crew.id, crew);
        if (crew.position) take({ crewId: crew.id, ...crew.position }, null);
      }
      skewMs = clockSkewMs(crews, receivedAt);
      schedule();
    },
    accept(list) {
      const unknown: number[] = [];
      if (!Array.isArray(list)) return unknown;
      for (const raw of list) take(raw, unknown);
      schedule();
      return unknown;
    },
    latest(crewId) {
      const fix = fixes.get(crewId);
      return fix ? { lon: fix.lon, lat: fix.lat, t: fix.t } : null;
    },
    rendered(crewId) {
      const c = drawn.get(crewId)?.geometry.coordinates;
      return c ? [c[0]!, c[1]!] : null;
    },
    hold() {
      holds++;
      if (frame !== null) cancelFrame(frame);
      frame = null;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        holds--;
        schedule();
      };
      const timer = setTimeout(release, HOLD_MAX_MS);
      return release;
    },
    redraw() {
      schedule();
    },
    clear() {
      if (frame !== null) cancelFrame(frame);
      frame = null;
      roster.clear();
      fixes.clear();
      tweens.clear();
      drawn = new Map();
      skewMs = 0;
      options.map.getSource<GeoJSONSource>(SOURCES.crews)?.setData(empty());
      if (count !== 0) {
        count = 0;
        options.onCount?.(0);
      }
    },
    get count() {
      return count;
    },
  };
}
