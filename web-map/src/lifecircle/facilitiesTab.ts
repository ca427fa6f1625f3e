import { button, selectInput, textInput } from '../admin/widgets';
import { el } from '../ui/dom';
import { BAND_COLORS, formatMetres } from './bands';
import { className } from './coverage';
import { countByLevel, LEVELS } from './facilities';
import { swatch, type LcContext } from './widgets';

/** Facility levels shown, the class the buildings are coloured by, and (planners) placing a planned facility. */
export function facilitiesTab(ctx: LcContext): Node[] {
  const { state, c, i18n, classes } = ctx;
  const counts = countByLevel(state.facilities);
  const levels = el(
    'fieldset',
    { class: 'lc-fieldset', 'data-section': 'levels' },
    el('legend', {}, i18n.t('lc.facilities.levels')),
    ...LEVELS.map((level) => {
      const input = el('input', { type: 'checkbox', name: 'level', value: String(level), checked: state.levels.includes(level) });
      input.checked = state.levels.includes(level);
      input.addEventListener('change', () => c.setLevel(level, input.checked));
      return el(
        'label',
        { class: 'lc-check', 'data-level': String(level) },
        input,
        swatch(BAND_COLORS[level]!, 'circle'),
        el('span', {}, i18n.t('lc.facilities.level', { level })),
        el('span', { class: 'lc-muted', 'data-count': String(counts[level] ?? 0) }, i18n.t('lc.facilities.levelCount', { n: counts[level] ?? 0 })),
      );
    }),
  );

  const label = (cls: string): string => {
    const k = classes.get(cls);
    return k ? `${className(cls, classes, i18n.current)}（${i18n.t('lc.coverage.levelValue', { minutes: k.level })}）` : cls;
  };
  const options: Array<[string, string]> = state.classes.map((k) => [k.class, label(k.class)]);
  const chosen = state.buildingClass ? classes.get(state.buildingClass) : undefined;
  const colour = el(
    'fieldset',
    { class: 'lc-fieldset', 'data-section': 'colour' },
    el('legend', {}, i18n.t('lc.facilities.colorBy')),
    selectInput('buildingClass', [['', i18n.t('lc.facilities.colorNone')], ...options], state.buildingClass ?? '', (v) => c.setBuildingClass(v || null)),
    chosen ? el('p', { class: 'admin-hint lc-hint' }, i18n.t('lc.facilities.colorHint', { metres: formatMetres(chosen.metres) })) : null,
  );

  const out: Node[] = [levels, colour];
  if (state.canPlace) {
    const placing = state.tool === 'place';
    out.push(
      el(
        'fieldset',
        { class: 'lc-fieldset', 'data-section': 'place', 'data-placing': String(placing) },
        el('legend', {}, i18n.t('lc.place.title')),
        el('label', { class: 'lc-field' }, el('span', {}, i18n.t('lc.place.class')), selectInput('placeClass', options, state.place.class, (v) => c.setPlaceClass(v))),
        el('label', { class: 'lc-field' }, el('span', {}, i18n.t('lc.place.name')), textInput('placeName', state.place.name, (v) => c.setPlaceName(v), { maxlength: '100' })),
        state.place.error ? el('p', { class: 'admin-error', role: 'alert' }, state.place.error) : null,
        el(
          'div',
          { class: 'lc-row' },
          placing
            ? button(i18n.t('lc.place.cancel'), { class: 'btn-link', 'data-action': 'cancel-placing' }, () => c.cancelPlacing())
            : button(i18n.t('lc.place.start'), { class: 'btn-primary', 'data-action': 'start-placing', disabled: state.busy }, () => c.startPlacing()),
        ),
        el('p', { class: 'admin-hint lc-hint' }, i18n.t('lc.place.hint')),
      ),
    );
  }
  return out;
}
