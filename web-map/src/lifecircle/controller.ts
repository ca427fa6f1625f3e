import type { MultiPolygon, Polygon } from 'geojson';
import type { I18n } from '../i18n';
import { LoadTickets } from '../planner/version';
import type { GridCollection } from '../types';
import { bandsForMap } from './bands';
import { className, classIndex, type RankOrder } from './coverage';
import { newFacilityBody, type LifeCircleApi } from './lifeCircleApi';
import { actionNotice, isochroneNotice, okNotice, retranslate } from './notices';
import { initialState, type LcState, type LcTab, type LcTool } from './state';
import type { Coverage, FacilityClass, FacilityCollection, GapCollection, IsochroneCollection } from './types';

/** What the controller asks of the map. */
export interface LcMapSink {
  bands(fc: IsochroneCollection | null, at: [number, number] | null): void;
  facilities(fc: FacilityCollection | null, classes: readonly FacilityClass[]): void;
  levels(levels: readonly number[]): void;
  gaps(fc: GapCollection | null): void;
  /** The open community's outline; `fit` zooms to it (or, without an outline, to `fallback`'s extent). */
  community(geometry: Polygon | MultiPolygon | null, fit: boolean, fallback?: GapCollection | null): void;
  buildings(cls: string | null, version: number): void;
  tool(tool: LcTool): void;
}

export interface LcControllerOptions {
  api: LifeCircleApi;
  i18n: I18n;
  sink: LcMapSink;
  redraw(): void;
}

export type LifeCircleController = ReturnType<typeof createLifeCircleController>;

/** The gap features of one class (the coverage has one MultiPolygon per class with uncovered buildings). */
export function gapsOf(coverage: Coverage | null | undefined, cls: string | null): GapCollection | null {
  if (!coverage || !cls) return null;
  return { type: 'FeatureCollection', features: (coverage.gaps?.features ?? []).filter((f) => f.properties?.class === cls) };
}

export function createLifeCircleController(options: LcControllerOptions) {
  const { api, i18n, sink } = options;
  let state: LcState = initialState();
  let grids: GridCollection | null = null;
  let generation = 0;
  const isoTickets = new LoadTickets();
  const coverageTickets = new LoadTickets();
  const redraw = (): void => options.redraw();

  const defaultName = (cls: string): string => (cls ? i18n.t('lc.place.defaultName', { name: className(cls, classIndex(state.classes), i18n.current) }) : '');

  function outline(code: string): Polygon | MultiPolygon | null {
    return grids?.features.find((f) => f.properties?.code === code)?.geometry ?? null;
  }

  /** `before`: the coverage to show what moved against (the one from before a facility change), or null. */
  async function loadCoverage(code: string, before: Coverage | null): Promise<void> {
    const ticket = coverageTickets.next();
    const gen = generation;
    const view = state.community;
    if (!view || view.code !== code) return;
    const keepPrevious = before !== null;
    view.loading = true;
    view.error = null;
    redraw();
    try {
      const coverage = await api.coverage({ community: code });
      if (gen !== generation || !coverageTickets.isCurrent(ticket) || state.community?.code !== code) return;
      state.community = { ...state.community, loading: false, coverage, previous: before, name: coverage.name || state.community.name, error: null };
      const classes = new Set(coverage.classes.map((c) => c.class));
      if (!state.gapClass || !classes.has(state.gapClass)) state.gapClass = coverage.worst?.[0] ?? null;
      sink.gaps(gapsOf(coverage, state.gapClass));
      if (!keepPrevious && !outline(code)) sink.community(null, true, coverage.gaps);
    } catch (e) {
      if (gen !== generation || !coverageTickets.isCurrent(ticket) || state.community?.code !== code) return;
      state.community = { ...state.community, loading: false, error: actionNotice(e, i18n, 'lc.coverage.failed').text };
    } finally {
      redraw();
    }
  }

  /**
   * After a facility was placed or deleted (the server recomputes coverage before it answers): the facilities, the
   * building colours, the ranking and the open coverage, shown beside the coverage from before.
   */
  async function refreshAfterChange(): Promise<void> {
    const gen = generation;
    const before = state.community?.coverage ?? null;
    state.tilesVersion++;
    sink.buildings(state.buildingClass, state.tilesVersion);
    const [facilities, communities] = await Promise.allSettled([api.facilities(), api.communities()]);
    if (gen !== generation) return;
    if (facilities.status === 'fulfilled') {
      state.facilities = facilities.value;
      sink.facilities(state.facilities, state.classes);
    }
    if (communities.status === 'fulfilled') state.communities = communities.value;
    if (state.community && before?.code === state.community.code) await loadCoverage(state.community.code, before);
  }

  const c = {
    get state(): LcState {
      return state;
    },

    setCanPlace(on: boolean): void {
      state.canPlace = on;
      if (!on && state.tool === 'place') c.cancelPlacing();
      redraw();
    },

    /** Loads classes, facilities, the ranking and the community outlines once per opening. */
    async open(): Promise<void> {
      if (state.loaded || state.loading) return;
      const gen = generation;
      state.loading = true;
      state.loadError = null;
      redraw();
      try {
        const [classes, facilities, communities] = await Promise.all([api.classes(), api.facilities(), api.communities()]);
        if (gen !== generation) return;
        state.classes = classes;
        state.facilities = facilities;
        state.communities = communities;
        state.loaded = true;
        if (!state.place.class && classes[0]) state.place = { ...state.place, class: classes[0].class, name: defaultName(classes[0].class) };
        sink.facilities(facilities, classes);
        sink.levels(state.levels);
      } catch (e) {
        if (gen !== generation) return;
        state.loadError = actionNotice(e, i18n, 'lc.loadFailed').text;
      } finally {
        if (gen === generation) {
          state.loading = false;
          redraw();
        }
      }
      // The outlines only help zooming: without them the view still works.
      try {
        const outlines = await api.communityGrids();
        if (gen === generation) grids = outlines;
      } catch {
        // zoom falls back to the gaps' extent
      }
    },

    /** Forgets everything (the view closed, or the user signed out). */
    reset(): void {
      generation++;
      isoTickets.next();
      coverageTickets.next();
      grids = null;
      state = initialState(state.canPlace);
    },

    setTab(tab: LcTab): void {
      state.tab = tab;
      redraw();
    },

    /** A click on the map (not on a facility): per the tool, the isochrone from there or the facility placed there. */
    clickMap(lon: number, lat: number): Promise<void> {
      return state.tool === 'place' ? c.place(lon, lat) : c.isochroneAt(lon, lat);
    },

    async isochroneAt(lon: number, lat: number): Promise<void> {
      const ticket = isoTickets.next();
      const gen = generation;
      state.iso = { state: 'loading', at: [lon, lat], bands: null, notice: null };
      sink.bands(null, [lon, lat]);
      redraw();
      try {
        const fc = bandsForMap(await api.isochrone(lon, lat));
        if (gen !== generation || !isoTickets.isCurrent(ticket)) return;
        state.iso = { state: 'ok', at: [lon, lat], bands: fc, notice: fc.features.length ? null : { ok: false, kind: 'error', text: i18n.t('lc.iso.empty') } };
        sink.bands(fc, [lon, lat]);
      } catch (e) {
        if (gen !== generation || !isoTickets.isCurrent(ticket)) return;
        state.iso = { state: 'error', at: [lon, lat], bands: null, notice: isochroneNotice(e, i18n) };
      } finally {
        if (gen === generation && isoTickets.isCurrent(ticket)) redraw();
      }
    },

    clearIsochrone(): void {
      isoTickets.next();
      state.iso = { state: 'idle', at: null, bands: null, notice: null };
      sink.bands(null, null);
      redraw();
    },

    setLevel(level: number, on: boolean): void {
      const levels = new Set(state.levels);
      if (on) levels.add(level);
      else levels.delete(level);
      state.levels = [5, 10, 15].filter((l) => levels.has(l));
      sink.levels(state.levels);
      redraw();
    },

    setOrder(order: RankOrder): void {
      state.order = order;
      redraw();
    },

    async openCommunity(code: string): Promise<void> {
      const summary = state.communities?.find((x) => x.code === code);
      const same = state.community?.code === code;
      state.tab = 'coverage';
      if (!same) {
        state.community = { code, name: summary?.name ?? code, loading: true, coverage: null, previous: null, error: null };
        sink.gaps(null);
      }
      sink.community(outline(code), true);
      await loadCoverage(code, null);
    },

    /** Zooms to the open community again. */
    zoomToCommunity(): void {
      if (state.community) sink.community(outline(state.community.code), true, state.community.coverage?.gaps);
    },

    chooseGapClass(cls: string | null): void {
      state.gapClass = cls;
      sink.gaps(gapsOf(state.community?.coverage, cls));
      redraw();
    },

    setBuildingClass(cls: string | null): void {
      state.buildingClass = cls || null;
      sink.buildings(state.buildingClass, state.tilesVersion);
      redraw();
    },

    setPlaceClass(cls: string): void {
      const name = state.place.nameEdited ? state.place.name : defaultName(cls);
      state.place = { ...state.place, class: cls, name, error: null };
      redraw();
    },

    /** The name typed; no redraw (the input keeps its focus). */
    setPlaceName(name: string): void {
      state.place = { ...state.place, name, nameEdited: name.trim() !== '', error: null };
    },

    /** Names and notices follow the language (the proposed facility name too, while nobody typed one). */
    relabel(): void {
      state.notice = retranslate(state.notice, i18n);
      state.iso = { ...state.iso, notice: retranslate(state.iso.notice, i18n) };
      if (!state.place.nameEdited && state.place.class) state.place = { ...state.place, name: defaultName(state.place.class) };
      sink.facilities(state.facilities, state.classes);
    },

    startPlacing(): void {
      if (!state.canPlace) return;
      const error = !state.place.class ? i18n.t('lc.place.classRequired') : !state.place.name.trim() ? i18n.t('lc.place.nameRequired') : null;
      state.place = { ...state.place, error };
      if (!error) {
        state.tool = 'place';
        state.notice = null;
        sink.tool('place');
      }
      redraw();
    },

    cancelPlacing(): void {
      state.tool = 'isochrone';
      sink.tool('isochrone');
      redraw();
    },

    async place(lon: number, lat: number): Promise<void> {
      if (!state.canPlace || state.busy || state.tool !== 'place') return;
      const gen = generation;
      const body = newFacilityBody(state.place.class, state.place.name, lon, lat);
      state.busy = true;
      state.notice = null;
      redraw();
      try {
        await api.addFacility(body);
        if (gen !== generation) return;
        state.tool = 'isochrone';
        sink.tool('isochrone');
        state.place = { ...state.place, nameEdited: false, name: defaultName(state.place.class) };
        state.notice = okNotice(i18n, 'lc.place.done', { name: body.name });
        await refreshAfterChange();
      } catch (e) {
        if (gen === generation) state.notice = actionNotice(e, i18n, 'lc.place.failed');
      } finally {
        if (gen === generation) {
          state.busy = false;
          redraw();
        }
      }
    },

    /** True when it went; the failure is in the notice otherwise. */
    async deleteFacility(id: number | string, name: string): Promise<boolean> {
      if (!state.canPlace || state.busy) return false;
      const gen = generation;
      state.busy = true;
      state.notice = null;
      redraw();
      try {
        await api.deleteFacility(id);
        if (gen !== generation) return false;
        state.notice = okNotice(i18n, 'lc.facilities.deleted', { name });
        await refreshAfterChange();
        return true;
      } catch (e) {
        if (gen === generation) state.notice = actionNotice(e, i18n, 'lc.facilities.deleteFailed');
        return false;
      } finally {
        if (gen === generation) {
          state.busy = false;
          redraw();
        }
      }
    },

    dismissNotice(): void {
      state.notice = null;
      redraw();
    },
  };
  return c;
}
