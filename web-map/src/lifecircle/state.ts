import type { RankOrder } from './coverage';
import type { LcNotice } from './notices';
import type { CommunitySummary, Coverage, FacilityClass, FacilityCollection, IsochroneCollection } from './types';

export const LC_TABS = ['communities', 'coverage', 'facilities'] as const;
export type LcTab = (typeof LC_TABS)[number];

/** What a click on the map does: draw the isochrone from there, or place the planned facility there. */
export type LcTool = 'isochrone' | 'place';

export interface IsochroneView {
  state: 'idle' | 'loading' | 'ok' | 'error';
  at: [number, number] | null;
  bands: IsochroneCollection | null;
  notice: LcNotice | null;
}

export interface CommunityView {
  code: string;
  name: string;
  loading: boolean;
  coverage: Coverage | null;
  /** The coverage shown before the last facility change, to show what moved. */
  previous: Coverage | null;
  error: string | null;
}

export interface PlaceForm {
  class: string;
  name: string;
  /** False while the name is the one proposed from the class (规划幼儿园), which follows the class. */
  nameEdited: boolean;
  error: string | null;
}

export interface LcState {
  loaded: boolean;
  loading: boolean;
  loadError: string | null;
  classes: FacilityClass[];
  tab: LcTab;
  tool: LcTool;
  iso: IsochroneView;
  facilities: FacilityCollection | null;
  /** The facility levels shown (5, 10, 15). */
  levels: number[];
  communities: CommunitySummary[] | null;
  order: RankOrder;
  community: CommunityView | null;
  /** The class whose uncovered buildings are drawn for the open community. */
  gapClass: string | null;
  /** The class the buildings are coloured by (null: none). */
  buildingClass: string | null;
  /** Bumped after a facility is placed or deleted: the building tiles are asked for again. */
  tilesVersion: number;
  place: PlaceForm;
  busy: boolean;
  notice: LcNotice | null;
  /** Planners and admins may place and delete facilities (the server decides; this only shows the controls). */
  canPlace: boolean;
}

export function initialState(canPlace = false): LcState {
  return {
    loaded: false,
    loading: false,
    loadError: null,
    classes: [],
    tab: 'communities',
    tool: 'isochrone',
    iso: { state: 'idle', at: null, bands: null, notice: null },
    facilities: null,
    levels: [5, 10, 15],
    communities: null,
    order: 'best',
    community: null,
    gapClass: null,
    buildingClass: null,
    tilesVersion: 1,
    place: { class: '', name: '', nameEdited: false, error: null },
    busy: false,
    notice: null,
    canPlace,
  };
}
