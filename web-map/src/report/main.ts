import { el } from '../ui/dom';
import {
  explainError,
  reportApi,
  ReportError,
  type CategoryChoice,
  type CategoryMajor,
  type NearbyLamp,
  type PhotoView,
  type ReportAnswer,
  type TrackedCase,
} from './api';
import type { ReportMap } from './map';
import { downscale } from '../photo';
import { formatDistance } from '../mobile/format';
import type { NearestStation } from './api';
import { text, type Key } from './strings';
import {
  actionWords,
  addMyReport,
  MY_REPORTS_KEY,
  readMyReports,
  type MyReport,
  distanceWords,
  formatTime,
  isFinished,
  newUuid,
  parseTrackingLink,
  phoneProblem,
  statusWords,
  trackingLink,
  type Lang,
} from './words';
import './report.css';

/**
 * The resident's report page (`/report`) and a case's tracking page (`/report/{id}?t=TOKEN`). No sign-in. Every text
 * from residents or the server goes in as text (el() makes text nodes), never as HTML.
 */

type Step = 'where' | 'what' | 'lamp' | 'details' | 'done';

const LANG_KEY = 'gridgov.lang';

function readLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

function loadMyReports(): MyReport[] {
  try {
    return readMyReports(localStorage.getItem(MY_REPORTS_KEY));
  } catch {
    return [];
  }
}

function remember(report: MyReport): void {
  try {
    localStorage.setItem(MY_REPORTS_KEY, JSON.stringify(addMyReport(loadMyReports(), report)));
  } catch {
    // private mode: the link on screen is all there is
  }
}

const state = {
  lang: readLang(),
  step: 'where' as Step,
  pin: null as { lon: number; lat: number } | null,
  geo: null as { key: Key; params?: Record<string, string | number>; error: boolean } | null,
  majors: null as CategoryMajor[] | null,
  categoriesError: null as string | null,
  category: null as CategoryChoice | null,
  lamps: null as NearbyLamp[] | null,
  lampsError: null as string | null,
  assetCode: null as string | null,
  photo: null as { blob: Blob; url: string; width: number; height: number } | null,
  photoBusy: false,
  photoError: null as string | null,
  description: '',
  phone: '',
  clientRequestId: newUuid(),
  sending: null as null | 'case' | 'photo',
  error: null as string | null,
  answer: null as ReportAnswer | null,
  photoSent: false,
  copied: null as null | 'ok' | 'failed',
  station: null as NearestStation | null,
};

const t = (key: Key, params?: Record<string, string | number>): string => text(state.lang, key, params);

const root = document.getElementById('report-app') as HTMLElement;
const body = document.body;
const tracking = parseTrackingLink(window.location.pathname, window.location.search);

let reportMap: ReportMap | null = null;
let mapBox: HTMLElement | null = null;
let sheet: HTMLElement | null = null;
let redraw: () => void = () => undefined;

declare global {
  interface Window {
    gridgovReport?: { state: typeof state; map: () => ReportMap['map'] | null; tracked: () => TrackedCase | null };
  }
}

function header(titleKey: Key): HTMLElement {
  const toggle = el('button', { type: 'button', class: 'report-lang', id: 'report-lang', title: t('langTitle'), lang: state.lang === 'zh' ? 'en' : 'zh' }, t('langToggle'));
  toggle.addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    try {
      localStorage.setItem(LANG_KEY, state.lang);
    } catch {
      // not remembered
    }
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    redraw();
  });
  return el('header', { class: 'report-header' }, el('h1', {}, t(titleKey)), toggle);
}

function button(label: string, onClick: () => void, attrs: Record<string, string | boolean | null | undefined> = {}): HTMLButtonElement {
  const cls = typeof attrs.class === 'string' && attrs.class.includes('report-button') ? attrs.class : `report-button ${attrs.class ?? ''}`.trim();
  const b = el('button', { type: 'button', ...attrs, class: cls }, label);
  b.addEventListener('click', onClick);
  return b;
}

const alert = (message: string | null, cls = 'report-error'): HTMLElement | null =>
  message ? el('p', { class: cls, role: 'alert' }, message) : null;

/* ---------------------------------------------------------------- report form */

let stationSeq = 0;
let stationTimer: number | undefined;
/** The nearest station to the pin, asked again (debounced) whenever the pin moves. */
function findStation(lon: number, lat: number): void {
  window.clearTimeout(stationTimer);
  stationTimer = window.setTimeout(() => {
    const mine = ++stationSeq;
    reportApi.nearestStation(lon, lat).then(
      (station) => {
        if (mine !== stationSeq) return;
        state.station = station;
        render();
      },
      () => undefined, // no card then; the report still goes
    );
  }, 400);
}

function stationCard(): HTMLElement | null {
  const s = state.station;
  if (!s) return null;
  const p = s.properties;
  const row = (key: Key, value: string, field: string): HTMLElement[] => [el('dt', {}, t(key)), el('dd', { 'data-field': field }, value)];
  return el('section', { class: 'report-station', id: 'nearest-station', 'data-code': p.code },
    el('h3', {}, t('stationTitle')),
    el('p', { class: 'report-station-name' }, el('strong', {}, p.name), ' ', el('span', { class: 'report-note', 'data-field': 'distance' }, t('stationDistance', { d: formatDistance(p.distanceM, state.lang) }))),
    el('dl', { class: 'report-summary' },
      ...row('stationAddress', p.address, 'address'),
      ...row('stationHours', p.hours, 'hours'),
      ...(p.phone ? [el('dt', {}, t('stationPhone')), el('dd', { 'data-field': 'phone' }, el('a', { href: `tel:${p.phone}` }, p.phone))] : [])),
    el('p', { class: 'report-note' }, t('stationHint')));
}

function setPin(lon: number, lat: number, fly = false): void {
  state.pin = { lon, lat };
  findStation(lon, lat);
  reportMap?.setPin(lon, lat, fly);
  if (state.step === 'where') state.geo = state.geo?.key === 'located' ? state.geo : { key: 'pinSet', error: false };
  if (state.step === 'lamp') {
    // A new place: the lamps near it, none chosen yet.
    state.assetCode = null;
    void loadLamps();
  }
  render();
}

function locate(): void {
  if (!('geolocation' in navigator)) {
    state.geo = { key: 'geoUnsupported', error: true };
    render();
    return;
  }
  state.geo = { key: 'locating', error: false };
  render();
  navigator.geolocation.getCurrentPosition(
    (position) => {
      state.geo = { key: 'located', params: { m: Math.round(position.coords.accuracy || 0) }, error: false };
      setPin(position.coords.longitude, position.coords.latitude, true);
    },
    (error) => {
      state.geo =
        error.code === error.PERMISSION_DENIED
          ? { key: 'geoDenied', error: true }
          : { key: 'geoUnavailable', params: { reason: t(error.code === error.TIMEOUT ? 'geoTimeout' : 'geoNoSignal') }, error: true };
      render();
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

async function loadCategories(): Promise<void> {
  state.categoriesError = null;
  try {
    state.majors = await reportApi.categories();
  } catch (error) {
    state.categoriesError = explainError(error, state.lang);
  }
  render();
}

let lampSeq = 0;
async function loadLamps(): Promise<void> {
  if (!state.pin) return;
  const mine = ++lampSeq;
  state.lamps = null;
  state.lampsError = null;
  reportMap?.showLamps([], null, chooseLamp);
  try {
    const lamps = await reportApi.lamps(state.pin.lon, state.pin.lat);
    if (mine !== lampSeq) return;
    state.lamps = lamps;
    // Close enough that neighbouring lamps (often 10-30 m apart) are separate targets for a finger.
    if (lamps.length) reportMap?.frame([...lamps.map((l): [number, number] => [l.lon, l.lat]), [state.pin.lon, state.pin.lat]]);
  } catch (error) {
    if (mine !== lampSeq) return;
    state.lampsError = explainError(error, state.lang);
  }
  render();
}

function chooseLamp(lamp: NearbyLamp): void {
  state.assetCode = lamp.code;
  state.pin = { lon: lamp.lon, lat: lamp.lat };
  reportMap?.setPin(lamp.lon, lamp.lat);
  render();
}

function chooseCategory(category: CategoryChoice): void {
  state.category = category;
  state.assetCode = null;
  if (category.streetlight) {
    state.step = 'lamp';
    void loadLamps();
  } else state.step = 'details';
  render();
}

async function pickPhoto(file: File | undefined): Promise<void> {
  if (!file) return;
  state.photoBusy = true;
  state.photoError = null;
  render();
  try {
    const small = await downscale(file);
    if (state.photo) URL.revokeObjectURL(state.photo.url);
    state.photo = { ...small, url: URL.createObjectURL(small.blob) };
    // A new photo must be uploaded, even to a case already filed.
    state.photoSent = false;
  } catch (error) {
    console.warn('[report] photo', error);
    state.photoError = t('photoFailed');
  }
  state.photoBusy = false;
  render();
}

function removePhoto(): void {
  if (state.photo) URL.revokeObjectURL(state.photo.url);
  state.photo = null;
  render();
}

async function send(): Promise<void> {
  if (state.sending || !state.pin || !state.category) return;
  if (phoneProblem(state.phone)) {
    state.error = t('phoneInvalid');
    render();
    return;
  }
  state.error = null;
  state.sending = 'case';
  render();
  try {
    if (!state.answer) {
      const description = state.description.trim();
      const phone = state.phone.trim();
      state.answer = await reportApi.send({
        clientRequestId: state.clientRequestId,
        category: state.category.code,
        source: 'resident',
        lon: state.pin.lon,
        lat: state.pin.lat,
        ...(description ? { description } : {}),
        ...(phone ? { phone } : {}),
        ...(state.assetCode ? { assetCode: state.assetCode } : {}),
      });
    }
  } catch (error) {
    state.sending = null;
    state.error = explainError(error, state.lang);
    render();
    return;
  }
  body.dataset.caseId = String(state.answer.id);
  {
    const a = state.answer;
    const link = new URL(trackingLink(window.location.origin, a.trackingUrl, a.id, a.trackingToken));
    remember({ id: a.id, path: link.pathname + link.search, category: a.categoryName ?? categoryName(state.category), at: new Date().toISOString() });
  }
  state.step = 'done';
  await uploadPhoto();
}

async function uploadPhoto(): Promise<void> {
  const answer = state.answer;
  if (!answer || !state.photo || state.photoSent) {
    state.sending = null;
    render();
    return;
  }
  state.sending = 'photo';
  state.error = null;
  render();
  try {
    await reportApi.photo(answer.id, answer.trackingToken ?? '', state.photo.blob);
    state.photoSent = true;
  } catch (error) {
    state.error = t('photoUploadFailed', { reason: explainError(error, state.lang, true) });
  }
  state.sending = null;
  render();
}

function startOver(): void {
  if (state.photo) URL.revokeObjectURL(state.photo.url);
  Object.assign(state, {
    step: 'where',
    category: null,
    lamps: null,
    assetCode: null,
    photo: null,
    photoSent: false,
    photoError: null,
    description: '',
    phone: '',
    clientRequestId: newUuid(),
    error: null,
    answer: null,
    copied: null,
    geo: null,
  });
  delete body.dataset.caseId;
  reportMap?.showLamps([], null, chooseLamp);
  render();
}

async function copyLink(link: string): Promise<void> {
  let ok = false;
  try {
    await navigator.clipboard.writeText(link);
    ok = true;
  } catch {
    const field = el('textarea', { readonly: true, class: 'report-copy-field' });
    field.value = link;
    document.body.append(field);
    field.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    field.remove();
  }
  state.copied = ok ? 'ok' : 'failed';
  render();
}

const categoryName = (c: { name: string; nameEn?: string | null }): string => (state.lang === 'en' && c.nameEn ? c.nameEn : c.name);

function whereSheet(): Array<HTMLElement | null> {
  const locateButton = button(state.geo?.key === 'locating' ? t('locating') : t('locateMe'), locate, {
    id: 'locate-me',
    class: 'report-button report-locate',
    disabled: state.geo?.key === 'locating',
  });
  const geo = state.geo ? el('p', { class: state.geo.error ? 'report-error report-geo' : 'report-note report-geo', role: state.geo.error ? 'alert' : 'status' }, t(state.geo.key, state.geo.params)) : null;
  const next = button(t('next'), () => {
    state.step = 'what';
    if (!state.majors) void loadCategories();
    render();
  }, { id: 'where-next', class: 'report-button report-primary', disabled: !state.pin });
  const mine = loadMyReports();
  const myList = mine.length
    ? el(
        'section',
        { class: 'report-mine', id: 'my-reports' },
        el('h3', {}, t('myReports')),
        el(
          'ul',
          {},
          ...mine.slice(0, 5).map((r) =>
            el('li', {}, el('a', { href: r.path, 'data-id': String(r.id) }, `#${r.id} ${r.category}`), el('span', { class: 'report-note' }, ` ${formatTime(r.at)}`)),
          ),
        ),
      )
    : null;
  return [el('h2', {}, t('stepWhere')), el('p', { class: 'report-note' }, t('whereHint')), locateButton, geo, el('div', { class: 'report-nav' }, next), stationCard(), myList];
}

function whatSheet(): Array<HTMLElement | null> {
  const out: Array<HTMLElement | null> = [el('h2', {}, t('stepWhat'))];
  if (state.categoriesError) {
    out.push(alert(state.categoriesError)!, button(t('retry'), () => void loadCategories()));
  } else if (!state.majors) {
    out.push(el('p', { class: 'report-note' }, t('loadingCategories')));
  } else {
    const list = el('div', { class: 'report-categories', id: 'categories' });
    for (const major of state.majors) {
      if (!major.categories?.length) continue;
      const group = el('section', { class: 'report-major', 'data-major': major.code }, el('h3', {}, categoryName(major)));
      const grid = el('div', { class: 'report-choices' });
      for (const c of major.categories) {
        grid.append(
          button(categoryName(c), () => chooseCategory(c), {
            class: `report-choice${state.category?.code === c.code ? ' chosen' : ''}`,
            'data-category': c.code,
            'data-streetlight': c.streetlight ? 'true' : null,
          }),
        );
      }
      group.append(grid);
      list.append(group);
    }
    out.push(list);
  }
  out.push(el('div', { class: 'report-nav' }, button(t('back'), () => { state.step = 'where'; render(); }, { class: 'report-button report-back' })));
  return out;
}

function lampSheet(): Array<HTMLElement | null> {
  const out: Array<HTMLElement | null> = [el('h2', {}, t('stepLamp')), el('p', { class: 'report-note' }, t('lampHint'))];
  if (state.lampsError) out.push(alert(state.lampsError)!);
  else if (!state.lamps) out.push(el('p', { class: 'report-note' }, t('lampsLoading')));
  else if (!state.lamps.length) out.push(el('p', { class: 'report-note' }, t('lampsNone')));
  else {
    const list = el('ul', { class: 'report-lamps', id: 'lamp-list' });
    for (const lamp of state.lamps) {
      const status = lamp.status && ['normal', 'faulty', 'off'].includes(lamp.status) ? t(`lampStatus_${lamp.status}` as Key) : '';
      const b = button('', () => chooseLamp(lamp), {
        class: `report-lamp${state.assetCode === lamp.code ? ' chosen' : ''}`,
        'data-code': lamp.code,
        'aria-pressed': state.assetCode === lamp.code ? 'true' : 'false',
      });
      b.append(
        el('span', { class: 'report-lamp-code' }, lamp.code),
        el('span', { class: 'report-lamp-meta' }, [distanceWords(lamp.distanceM, state.lang), status].filter(Boolean).join(' · ')),
      );
      list.append(el('li', {}, b));
    }
    out.push(list);
  }
  // The choice and the way on sit above the list, in reach without scrolling past eight lamps.
  const chosen = state.assetCode ? el('p', { class: 'report-note report-lamp-chosen', role: 'status' }, t('lampChosen', { code: state.assetCode })) : null;
  out.splice(
    2,
    0,
    chosen,
    el(
      'div',
      { class: 'report-nav' },
      button(t('back'), () => { state.step = 'what'; state.assetCode = null; render(); }, { class: 'report-button report-back' }),
      state.assetCode
        ? button(t('next'), () => { state.step = 'details'; render(); }, { id: 'lamp-next', class: 'report-button report-primary' })
        : button(t('lampSkip'), () => { state.step = 'details'; render(); }, { id: 'lamp-skip', class: 'report-button' }),
    ),
  );
  return out;
}

function detailsSheet(): Array<HTMLElement | null> {
  const summary = el(
    'dl',
    { class: 'report-summary' },
    el('dt', {}, t('summaryWhat')),
    el('dd', { 'data-field': 'category' }, state.category ? categoryName(state.category) : ''),
    state.assetCode ? el('dt', {}, t('summaryLamp')) : null,
    state.assetCode ? el('dd', { 'data-field': 'asset' }, state.assetCode) : null,
    el('dt', {}, t('summaryWhere')),
    el('dd', { 'data-field': 'where' }, state.pin ? `${state.pin.lon.toFixed(5)}, ${state.pin.lat.toFixed(5)}` : ''),
  );

  const input = el('input', { type: 'file', accept: 'image/*', id: 'photo-input', class: 'report-file' });
  input.addEventListener('change', () => void pickPhoto(input.files?.[0]));
  const photoLabel = el('label', { for: 'photo-input', class: 'report-button report-photo-pick' }, state.photo ? t('photoChange') : t('photoPick'));
  const photo = el(
    'section',
    { class: 'report-photo' },
    el('h3', {}, t('photo')),
    state.photo ? el('img', { id: 'photo-preview', class: 'report-photo-preview', src: state.photo.url, alt: '' }) : null,
    el('div', { class: 'report-row' }, input, photoLabel, state.photo ? button(t('photoRemove'), removePhoto, { class: 'report-button report-link' }) : null),
    state.photoBusy ? el('p', { class: 'report-note' }, t('photoPreparing')) : null,
    alert(state.photoError),
  );

  const description = el('textarea', { id: 'description', rows: '4', maxlength: '2000', placeholder: t('descriptionPlaceholder') });
  description.value = state.description;
  description.addEventListener('input', () => (state.description = description.value));
  const phone = el('input', { id: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '30' });
  phone.value = state.phone;
  phone.addEventListener('input', () => (state.phone = phone.value));

  const sendButton = button(state.sending ? t('sending') : t('send'), () => void send(), {
    id: 'send',
    class: 'report-button report-primary',
    disabled: !!state.sending || state.photoBusy,
  });
  return [
    el('h2', {}, t('stepDetails')),
    summary,
    photo,
    el('label', { class: 'report-field', for: 'description' }, el('span', {}, t('description'))),
    description,
    el('label', { class: 'report-field', for: 'phone' }, el('span', {}, t('phone'))),
    phone,
    el('p', { class: 'report-note', id: 'phone-note' }, t('phoneNote')),
    alert(state.error),
    el(
      'div',
      { class: 'report-nav' },
      button(t('back'), () => { state.step = state.category?.streetlight ? 'lamp' : 'what'; state.error = null; render(); }, { class: 'report-button report-back', disabled: !!state.sending }),
      sendButton,
    ),
  ];
}

function doneSheet(): Array<HTMLElement | null> {
  const a = state.answer!;
  const link = trackingLink(window.location.origin, a.trackingUrl, a.id, a.trackingToken);
  const path = new URL(link).pathname + new URL(link).search;
  const open = el('a', { class: 'report-button report-primary', id: 'open-tracking', href: path }, t('openTracking'));
  const copy = button(state.copied === 'ok' ? t('copied') : t('copy'), () => void copyLink(link), { id: 'copy-link', class: 'report-button' });
  return [
    el('h2', { class: 'report-done' }, t('doneTitle')),
    el(
      'dl',
      { class: 'report-summary report-answer' },
      el('dt', {}, t('caseNumber')),
      el('dd', { id: 'case-number' }, `#${a.id}`),
      el('dt', {}, t('sentTo')),
      el('dd', { id: 'case-team' }, a.teamName?.trim() || t('teamPending')),
      el('dt', {}, t('deadline')),
      el('dd', { id: 'case-deadline' }, formatTime(a.deadline) || t('noDeadline')),
    ),
    state.sending === 'photo' ? el('p', { class: 'report-note', role: 'status' }, t('uploading')) : null,
    alert(state.error),
    state.error && state.photo && !state.photoSent && !state.sending ? button(t('photoRetry'), () => void uploadPhoto(), { id: 'photo-retry' }) : null,
    el('p', { class: 'report-note' }, t('trackLink')),
    el('p', { class: 'report-link-box' }, el('a', { id: 'tracking-link', href: path }, link)),
    state.copied === 'failed' ? alert(t('copyFailed')) : null,
    el('div', { class: 'report-nav' }, copy, open),
    el('div', { class: 'report-nav' }, button(t('reportAnother'), startOver, { id: 'report-another', class: 'report-button report-link' })),
    stationCard(),
  ];
}

function render(): void {
  redraw = render;
  body.dataset.step = state.step;
  document.title = `${t('title')} · GridGov`;
  const withMap = state.step === 'where' || state.step === 'what' || state.step === 'lamp';
  if (!sheet || !mapBox) {
    mapBox = el('div', { id: 'report-map', class: 'report-map' });
    sheet = el('main', { id: 'report-sheet', class: 'report-sheet' });
    root.replaceChildren(header('title'), el('div', { class: 'report-body' }, mapBox, sheet));
    void import('./map').then(({ createReportMap }) => {
      reportMap = createReportMap(mapBox!, (lon, lat) => setPin(lon, lat), t('summaryWhere'));
      reportMap.map.once('load', () => (body.dataset.mapReady = 'true'));
      if (state.pin) reportMap.setPin(state.pin.lon, state.pin.lat, true);
      render();
    });
  } else {
    root.firstElementChild?.replaceWith(header('title'));
  }
  const mapWasHidden = mapBox.hidden;
  mapBox.hidden = !withMap;
  root.classList.toggle('with-map', withMap);
  if (withMap && mapWasHidden) reportMap?.resize();

  if (reportMap) {
    const lamps = state.step === 'lamp' && state.lamps ? state.lamps : [];
    reportMap.showLamps(lamps, state.assetCode, chooseLamp);
  }

  // Keep the caret where it was across a redraw (a photo finishing while the resident types).
  const active = document.activeElement as HTMLInputElement | HTMLTextAreaElement | null;
  const focusId = active && sheet.contains(active) && (active.tagName === 'TEXTAREA' || active.tagName === 'INPUT') ? active.id : null;
  const caret = focusId ? [active!.selectionStart, active!.selectionEnd] : null;

  const content =
    state.step === 'where' ? whereSheet() : state.step === 'what' ? whatSheet() : state.step === 'lamp' ? lampSheet() : state.step === 'details' ? detailsSheet() : doneSheet();
  sheet.replaceChildren(...content.filter((n): n is HTMLElement => n !== null));
  if (focusId) {
    const again = document.getElementById(focusId) as HTMLInputElement | HTMLTextAreaElement | null;
    again?.focus();
    if (again && caret && again.type !== 'file') again.setSelectionRange(caret[0], caret[1]);
  }
}

/* ---------------------------------------------------------------- tracking page */

let tracked: TrackedCase | null = null;
let trackError: { notFound: boolean; message: string } | null = null;

async function loadTracked(id: number, token: string): Promise<void> {
  try {
    tracked = token ? await reportApi.track(id, token) : null;
    trackError = token ? null : { notFound: true, message: '' };
  } catch (error) {
    tracked = null;
    trackError = error instanceof ReportError && (error.status === 404 || error.status === 400 || error.status === 403)
      ? { notFound: true, message: '' }
      : { notFound: false, message: explainError(error, state.lang) };
  }
  body.dataset.trackState = tracked ? 'ok' : trackError?.notFound ? 'notFound' : 'error';
  renderTracking(id, token);
}

/** A server path as a link or image source: only this site's own paths (never `javascript:` or another origin). */
const ownPath = (u: string | null | undefined): string | null => (u && u.startsWith('/') && !u.startsWith('//') ? u : null);

function photoGroup(photos: PhotoView[], kind: 'before' | 'after'): HTMLElement | null {
  const mine = photos.filter((p) => (kind === 'after' ? p.kind === 'after' : p.kind !== 'after'));
  if (!mine.length) return null;
  return el(
    'div',
    { class: 'report-photo-group', 'data-kind': kind },
    el('h4', {}, t(kind === 'after' ? 'photoAfter' : 'photoBefore')),
    el(
      'div',
      { class: 'report-photo-row' },
      ...mine.map((p) =>
        el('a', { href: ownPath(p.url), target: '_blank', rel: 'noopener' }, el('img', { src: ownPath(p.thumbUrl) ?? ownPath(p.url), alt: '', 'data-kind': kind, loading: 'lazy' })),
      ),
    ),
  );
}

function renderTracking(id: number, token: string): void {
  redraw = () => renderTracking(id, token);
  body.dataset.step = 'track';
  document.title = `${t('trackTitle')} · GridGov`;
  const content: Array<HTMLElement | null> = [];
  if (!tracked && !trackError) content.push(el('p', { class: 'report-note' }, t('trackLoading')));
  else if (trackError?.notFound) {
    content.push(el('h2', { class: 'report-not-found', id: 'not-found' }, t('notFound')), el('p', { class: 'report-note' }, t('notFoundHint')));
  } else if (trackError) {
    content.push(alert(t('trackFailed', { detail: trackError.message })), button(t('retry'), () => void loadTracked(id, token)));
  } else if (tracked) {
    const c = tracked;
    const category = c.categoryName ?? (typeof c.category === 'object' ? (c.category.name ?? c.category.code) : c.category) ?? '';
    content.push(
      el('h2', {}, t('caseTitle', { id: c.id })),
      el(
        'p',
        { class: 'report-status-line' },
        el('span', { class: `report-status${isFinished(c.status) ? ' finished' : ''}`, id: 'case-status', 'data-status': c.status }, statusWords(c.status, state.lang)),
        c.overdue ? el('span', { class: 'report-overdue' }, t('overdue')) : null,
      ),
      el(
        'dl',
        { class: 'report-summary' },
        el('dt', {}, t('category')),
        el('dd', { id: 'case-category' }, category),
        el('dt', {}, t('reportedAt')),
        el('dd', {}, formatTime(c.reportedAt)),
        el('dt', {}, t('deadline')),
        el('dd', { id: 'case-deadline' }, formatTime(c.deadline) || t('noDeadline')),
        c.teamName ? el('dt', {}, t('team')) : null,
        c.teamName ? el('dd', {}, c.teamName) : null,
        c.description ? el('dt', {}, t('description')) : null,
        c.description ? el('dd', { class: 'report-description' }, c.description) : null,
      ),
    );
    const photos = c.photos ?? [];
    if (photos.length) {
      content.push(el('section', { id: 'case-photos', class: 'report-photos' }, el('h3', {}, t('photos')), photoGroup(photos, 'before'), photoGroup(photos, 'after')));
    }
    const history = [...(c.history ?? [])].sort((x, y) => Date.parse(y.at) - Date.parse(x.at));
    content.push(
      el('h3', {}, t('history')),
      el(
        'ol',
        { class: 'report-timeline', id: 'case-history' },
        ...history.map((h) =>
          el(
            'li',
            { 'data-action': h.action },
            el('time', { datetime: h.at }, formatTime(h.at)),
            el('span', { class: 'report-timeline-action' }, actionWords(h.action, state.lang)),
            h.status ? el('span', { class: 'report-timeline-status', 'data-status': h.status }, statusWords(h.status, state.lang)) : null,
          ),
        ),
      ),
      el('div', { class: 'report-nav' }, button(t('refresh'), () => void loadTracked(id, token), { id: 'refresh' })),
    );
  }
  content.push(el('div', { class: 'report-nav' }, el('a', { class: 'report-button report-link', href: '/report' }, t('newReport'))));
  const sheetEl = el('main', { class: 'report-sheet report-track' }, ...content.filter((n): n is HTMLElement => n !== null));
  root.replaceChildren(header('trackTitle'), el('div', { class: 'report-body' }, sheetEl));
}

/* ---------------------------------------------------------------- start */

document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
window.gridgovReport = { state, map: () => reportMap?.map ?? null, tracked: () => tracked };
if (tracking) {
  renderTracking(tracking.id, tracking.token);
  void loadTracked(tracking.id, tracking.token);
} else {
  if (window.location.pathname !== '/report' && window.location.pathname !== '/report/') history.replaceState(null, '', '/report');
  render();
}

