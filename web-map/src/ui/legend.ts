import { GRID_PALETTE } from '../colors';
import { CREW_ROLE_COLORS, CREW_ROLES } from '../crews';
import type { I18n, StringKey } from '../i18n';
import { INCIDENT_STATE_COLORS, INCIDENT_STATES, type IncidentCounts } from '../incidents';
import type { GridCounts } from '../layers/grids';
import { DEFAULT_VISIBILITY, type LayerGroup } from '../style';
import { COLORS } from '../theme';
import { el } from './dom';
import './legend.css';

type Swatch =
  | { kind: 'fill'; color: string; border: string; dashed?: boolean }
  | { kind: 'line'; color: string; width: number; casing?: string; dashed?: boolean }
  | { kind: 'circle'; color: string; size: number; stroke?: string; opacity?: number };

/** Grid counts are totals; incident counts (`incidents`, `incidents-<state>`) are of the current view. */
type CountKey = keyof GridCounts | 'incidents' | `incidents-${keyof IncidentCounts}` | 'crews';

interface LegendItem {
  key: StringKey;
  swatch: Swatch;
  count?: CountKey;
}

interface LegendRow {
  group: LayerGroup;
  key: StringKey;
  swatch: Swatch;
  count?: CountKey;
  items?: LegendItem[];
}

const INCIDENT_SIZES: Record<keyof IncidentCounts, number> = { new: 9, open: 9, overdue: 12, closed: 8 };

const palette3 = `linear-gradient(135deg, ${GRID_PALETTE[0]} 0 33%, ${GRID_PALETTE[1]} 33% 66%, ${GRID_PALETTE[2]} 66%)`;

const ROWS: LegendRow[] = [
  {
    group: 'incidents',
    key: 'legend.incidents',
    count: 'incidents',
    swatch: { kind: 'circle', color: INCIDENT_STATE_COLORS.open, size: 9, stroke: COLORS.incidentStroke },
    items: [
      ...INCIDENT_STATES.map((state) => ({
        key: `incidentState.${state}` as StringKey,
        count: `incidents-${state}` as CountKey,
        swatch: { kind: 'circle' as const, color: INCIDENT_STATE_COLORS[state], size: INCIDENT_SIZES[state], stroke: COLORS.incidentStroke },
      })),
      {
        key: 'legend.faultCase',
        swatch: { kind: 'circle', color: INCIDENT_STATE_COLORS.new, size: 13, stroke: COLORS.incidentFaultStroke },
      },
      {
        key: 'legend.absorbedReport',
        swatch: { kind: 'circle', color: INCIDENT_STATE_COLORS.open, size: 6, stroke: COLORS.incidentStroke, opacity: 0.45 },
      },
    ],
  },
  {
    group: 'crews',
    key: 'legend.crews',
    count: 'crews',
    swatch: { kind: 'circle', color: CREW_ROLE_COLORS.enforcement, size: 9, stroke: COLORS.crewStroke },
    items: [
      ...CREW_ROLES.map((role) => ({
        key: `crewRole.${role}` as StringKey,
        swatch: { kind: 'circle' as const, color: CREW_ROLE_COLORS[role], size: 9, stroke: COLORS.crewStroke },
      })),
      {
        key: 'legend.crewDimmed',
        swatch: { kind: 'circle', color: CREW_ROLE_COLORS.enforcement, size: 9, stroke: COLORS.crewDimStroke, opacity: 0.35 },
      },
    ],
  },
  { group: 'stations', key: 'legend.stations', swatch: { kind: 'circle', color: COLORS.station, size: 10, stroke: COLORS.halo } },
  { group: 'largeGrid', key: 'legend.largeGrid', count: 'largeGrids', swatch: { kind: 'fill', color: palette3, border: COLORS.largeGridLine } },
  { group: 'unitGrid', key: 'legend.unitGrid', count: 'unitGrids', swatch: { kind: 'line', color: COLORS.unitGridLine, width: 1, dashed: true } },
  {
    group: 'posts',
    key: 'legend.posts',
    count: 'posts',
    swatch: { kind: 'circle', color: COLORS.post, size: 10, stroke: COLORS.halo },
    items: [{ key: 'legend.postRadius', swatch: { kind: 'fill', color: 'rgba(210,63,63,0.12)', border: COLORS.post, dashed: true } }],
  },
  {
    group: 'streetlights',
    key: 'legend.streetlights',
    swatch: { kind: 'circle', color: COLORS.streetlightOk, size: 6 },
    items: [
      { key: 'legend.streetlightOk', swatch: { kind: 'circle', color: COLORS.streetlightOk, size: 4 } },
      { key: 'legend.streetlightFault', swatch: { kind: 'circle', color: COLORS.streetlightFault, size: 8, stroke: COLORS.streetlightFaultStroke } },
      { key: 'legend.streetlightOff', swatch: { kind: 'circle', color: COLORS.streetlightOff, size: 8, stroke: COLORS.streetlightFaultStroke } },
      { key: 'legend.cabinet', swatch: { kind: 'circle', color: COLORS.cabinet, size: 9, stroke: COLORS.cabinetStroke } },
      { key: 'legend.circuitFault', swatch: { kind: 'line', color: COLORS.circuitFault, width: 2.5, dashed: true } },
    ],
  },
  {
    group: 'roads',
    key: 'legend.roads',
    swatch: { kind: 'line', color: COLORS.roadMain, width: 4, casing: COLORS.roadMainCasing },
    items: [
      { key: 'legend.roadTrunk', swatch: { kind: 'line', color: COLORS.roadTrunk, width: 5, casing: COLORS.roadTrunkCasing } },
      { key: 'legend.roadMain', swatch: { kind: 'line', color: COLORS.roadMain, width: 4, casing: COLORS.roadMainCasing } },
      { key: 'legend.roadSecondary', swatch: { kind: 'line', color: COLORS.roadSecondary, width: 3, casing: COLORS.roadSecondaryCasing } },
      { key: 'legend.roadAlley', swatch: { kind: 'line', color: COLORS.roadAlley, width: 2, casing: '#d8d2c4' } },
    ],
  },
  {
    group: 'buildings',
    key: 'legend.buildings',
    swatch: { kind: 'fill', color: COLORS.residential, border: COLORS.residentialOutline },
    items: [
      { key: 'legend.buildingResidential', swatch: { kind: 'fill', color: COLORS.residential, border: COLORS.residentialOutline } },
      { key: 'legend.buildingFacility', swatch: { kind: 'fill', color: COLORS.facility, border: COLORS.facilityOutline } },
    ],
  },
];

const GROUP_IDS: Record<LayerGroup, string> = {
  largeGrid: 'large-grid',
  unitGrid: 'unit-grid',
  posts: 'posts',
  streetlights: 'streetlights',
  roads: 'roads',
  buildings: 'buildings',
  incidents: 'incidents',
  crews: 'crews',
  stations: 'stations',
};

function swatchEl(s: Swatch): HTMLElement {
  const node = el('span', { class: `swatch swatch-${s.kind}`, 'aria-hidden': 'true' });
  const st = node.style;
  if (s.kind === 'fill') {
    st.background = s.color;
    st.border = `1.5px ${s.dashed ? 'dashed' : 'solid'} ${s.border}`;
  } else if (s.kind === 'line') {
    const bar = el('span', { class: 'swatch-bar' });
    bar.style.height = `${s.width}px`;
    if (s.dashed) bar.style.background = `repeating-linear-gradient(90deg, ${s.color} 0 5px, transparent 5px 8px)`;
    else bar.style.background = s.color;
    if (s.casing) bar.style.boxShadow = `0 0 0 1px ${s.casing}`;
    node.append(bar);
  } else {
    const dot = el('span', { class: 'swatch-dot' });
    dot.style.width = dot.style.height = `${s.size}px`;
    dot.style.background = s.color;
    if (s.stroke) dot.style.boxShadow = `0 0 0 1.5px ${s.stroke}, 0 0 0 2.5px ${s.color}`;
    if (s.opacity !== undefined) dot.style.opacity = String(s.opacity);
    node.append(dot);
  }
  return node;
}

export interface Legend {
  readonly visibility: Record<LayerGroup, boolean>;
  setCounts(counts: GridCounts | null): void;
  /** The number of crews drawn on the map; null clears it. */
  setCrewCount(count: number | null): void;
  /** Incidents by display class in the current view; null clears them. */
  setIncidentCounts(counts: IncidentCounts | null): void;
  /** Shows or hides a group's rows (the crews for a role that cannot see them). */
  showGroup(group: LayerGroup, shown: boolean): void;
}

/** Below this width the legend starts collapsed (and the CSS condenses it). */
export const NARROW = '(max-width: 600px)';

/** Builds the 图例 panel into `container`; `onToggle` is called when a checkbox changes. */
export function createLegend(
  container: HTMLElement,
  i18n: I18n,
  onToggle: (group: LayerGroup, visible: boolean) => void,
): Legend {
  const visibility: Record<LayerGroup, boolean> = { ...DEFAULT_VISIBILITY };
  const counts = new Map<CountKey, number>();
  const countEls = new Map<CountKey, HTMLElement>();
  const countEl = (key: CountKey | undefined): HTMLElement | null => {
    if (!key) return null;
    const node = el('span', { class: 'legend-count', 'data-count': key });
    if (key.startsWith('incidents')) node.dataset.i18nTitle = 'legend.inView';
    if (key === 'crews') node.dataset.i18nTitle = 'legend.crewCount';
    countEls.set(key, node);
    return node;
  };

  const collapse = el('button', { type: 'button', class: 'legend-collapse', 'aria-expanded': 'true', 'aria-controls': 'legend-body' });
  const header = el('div', { class: 'legend-header' }, el('h2', { 'data-i18n': 'legend.title' }), collapse);
  const body = el('div', { id: 'legend-body', class: 'legend-body' });

  for (const row of ROWS) {
    const id = `layer-toggle-${GROUP_IDS[row.group]}`;
    const box = el('input', { type: 'checkbox', id, 'data-group': row.group });
    box.checked = visibility[row.group];
    box.addEventListener('change', () => {
      visibility[row.group] = box.checked;
      onToggle(row.group, box.checked);
    });
    const label = el('label', { for: id, class: 'legend-row' }, box, swatchEl(row.swatch), el('span', { 'data-i18n': row.key }), countEl(row.count));
    const items = row.items
      ? el(
          'ul',
          { class: 'legend-items' },
          ...row.items.map((item) =>
            el('li', { 'data-item': item.key }, swatchEl(item.swatch), el('span', { 'data-i18n': item.key }), countEl(item.count)),
          ),
        )
      : null;
    body.append(el('div', { class: 'legend-group', 'data-group': row.group }, label, items));
  }
  body.append(
    el('p', { class: 'legend-hint', 'data-i18n': 'legend.clickHint' }),
    el('p', { class: 'legend-hint', 'data-i18n': 'legend.incidentHint' }),
    el('p', { class: 'legend-hint', 'data-i18n': 'legend.normalLampsHint' }),
  );
  container.replaceChildren(header, body);
  // A phone: the legend starts folded to its title bar (a button), so it does not cover the map.
  const narrow = typeof window !== 'undefined' ? window.matchMedia?.(NARROW) : undefined;
  if (narrow?.matches) container.classList.add('collapsed');
  narrow?.addEventListener?.('change', (e) => {
    if (e.matches) container.classList.add('collapsed');
    render();
  });

  const render = (): void => {
    i18n.apply(container);
    const collapsed = container.classList.contains('collapsed');
    collapse.textContent = collapsed ? '▸' : '▾';
    collapse.title = i18n.t(collapsed ? 'legend.expand' : 'legend.collapse');
    collapse.setAttribute('aria-expanded', String(!collapsed));
    for (const [key, node] of countEls) {
      const n = counts.get(key);
      node.textContent = n === undefined ? '' : i18n.t('legend.count', { n });
    }
  };
  collapse.addEventListener('click', () => {
    container.classList.toggle('collapsed');
    render();
  });
  i18n.onChange(render);
  render();

  return {
    visibility,
    setCounts(next) {
      for (const key of ['largeGrids', 'unitGrids', 'posts'] as const) {
        if (next) counts.set(key, next[key]);
        else counts.delete(key);
      }
      render();
    },
    setCrewCount(next) {
      if (next === null) counts.delete('crews');
      else counts.set('crews', next);
      render();
    },
    showGroup(group, shown) {
      const node = body.querySelector<HTMLElement>(`.legend-group[data-group="${group}"]`);
      if (node) node.hidden = !shown;
    },
    setIncidentCounts(next) {
      let total = 0;
      for (const state of INCIDENT_STATES) {
        if (next) counts.set(`incidents-${state}`, next[state]);
        else counts.delete(`incidents-${state}`);
        total += next?.[state] ?? 0;
      }
      if (next) counts.set('incidents', total);
      else counts.delete('incidents');
      render();
    },
  };
}
