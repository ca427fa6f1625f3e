import type { ExpressionSpecification } from 'maplibre-gl';

/** Colours shared by the map layers and the legend swatches. */
export const COLORS = {
  background: '#f4f1ea',
  residential: '#d9d6d0',
  residentialOutline: '#c2beb6',
  facility: '#f7d6ad',
  facilityOutline: '#e2b47c',
  roadTrunk: '#f6a94f',
  roadTrunkCasing: '#c97d2a',
  roadMain: '#fbdc8e',
  roadMainCasing: '#cfae5c',
  roadSecondary: '#ffffff',
  roadSecondaryCasing: '#c4bdae',
  roadAlley: '#ffffff',
  roadLabel: '#5b4b32',
  largeGridLine: '#2f3b59',
  largeGridLabel: '#1c2744',
  unitGridLine: '#5b6b8c',
  unitGridLabel: '#46567a',
  post: '#d23f3f',
  postLabel: '#8c1d1d',
  streetlightOk: '#f0b400',
  streetlightOkStroke: '#6b5a1e',
  streetlightFault: '#d7263d',
  streetlightOff: '#6b7280',
  // Lamps not working keep a ring of the lamp yellow: a red dot ringed white is a key post.
  streetlightFaultStroke: '#f0b400',
  // Cabinets (配电箱): larger, dark, ringed in lamp yellow (red when faulty), so they never read as a lamp.
  cabinet: '#1f2937',
  cabinetStroke: '#f0b400',
  circuitFault: '#d7263d',
  circuitSelected: '#7c3aed',
  // Circuit and cabinet fault cases on the incident layer: a thick ring in this colour around the state colour.
  incidentFaultStroke: '#7f1d1d',
  // Incidents by display class. Overdue is a deeper crimson than the posts' red and is drawn larger,
  // with a wider white ring, so it is not mistaken for a post marker.
  incidentNew: '#2563eb',
  incidentOpen: '#f59e0b',
  incidentOverdue: '#b3001b',
  incidentClosed: '#9ca3af',
  incidentStroke: '#ffffff',
  incidentSelected: '#111827',
  incidentLabel: '#1f2937',
  // Crews by role, ringed dark (incidents and posts are ringed white); none of the incident colours.
  crewLead: '#7c3aed',
  crewEnforcement: '#1e3a8a',
  crewMunicipal: '#c2410c',
  crewLandscaping: '#15803d',
  crewSanitation: '#0891b2',
  crewCommunity: '#be185d',
  crewUnknown: '#6b7280',
  crewStroke: '#111827',
  crewDimStroke: '#9ca3af',
  crewLabel: '#111827',
  halo: '#ffffff',
  station: '#0f766e',
} as const;

export const SOURCES = {
  largeGrids: 'large-grids',
  largeGridLabels: 'large-grid-labels',
  unitGrids: 'unit-grids',
  unitGridLabels: 'unit-grid-labels',
  posts: 'posts',
  postRadius: 'post-radius',
  roads: 'roads',
  buildings: 'buildings',
  streetlights: 'streetlights',
  circuitSelected: 'circuit-selected',
  incidents: 'incidents',
  crews: 'crews',
  stations: 'stations',
} as const;

/** Street-light `status` values (`GET /tiles/streetlights`): normal, faulty (an open case names it), off (switched off on purpose). */
export const STREETLIGHT_STATUSES = ['normal', 'faulty', 'off'] as const;

/** GB/T 47678.5 component codes: a lamp (路灯) and a power cabinet (配电箱). */
export const LAMP_COMPONENT = '01037';
export const CABINET_COMPONENT = '01060';


export const zoomInterp = (stops: Array<[number, number | ExpressionSpecification]>, base = 1.5): ExpressionSpecification =>
  ['interpolate', ['exponential', base], ['zoom'], ...stops.flat()] as ExpressionSpecification;

export const byClass = (trunk: number, main: number, secondary: number, alley: number): ExpressionSpecification => [
  'match',
  ['get', 'class'],
  'trunk',
  trunk,
  'main',
  main,
  'secondary',
  secondary,
  alley,
];

export const halo = { 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5, 'text-halo-blur': 0.5 };
