import { chip } from '../admin/widgets';
import { el } from '../ui/dom';
import { problemCounts } from './problems';
import { hint, known, section, type ViewContext } from './view';

/** 校验: valid or not, counts by kind, and the problems to click through (each flies the map to it). */
export function problemsTab(ctx: ViewContext): Node[] {
  const { state, c, i18n } = ctx;
  const v = state.validation;
  if (!v) return [hint(i18n.t('planner.problems.notLoaded'))];
  const summary = el(
    'div',
    { class: v.valid ? 'admin-ok planner-validity' : 'admin-error planner-validity', 'data-valid': String(v.valid), role: 'status' },
    v.valid ? (v.warnings?.length ? i18n.t('planner.problems.validWithNotes', { n: v.warnings.length }) : i18n.t('planner.problems.valid')) : i18n.t('planner.problems.invalid', { n: state.problems.length }),
  );
  const counts = el(
    'p',
    { class: 'planner-counts' },
    ...problemCounts(state.problems.map((p) => p.problem)).map(([kind, n]) => {
      const k = chip(`${known(i18n, `planner.problem.${kind}`, kind)} ${n}`, 'warn');
      k.setAttribute('data-kind', kind);
      return k;
    }),
  );
  const list = el(
    'ul',
    { class: 'planner-problems' },
    ...state.problems.map((p) => {
      const selected = state.selectedProblem === p.idx;
      const item = el(
        'button',
        { type: 'button', class: 'planner-problem-button', disabled: !p.hasGeometry, title: p.hasGeometry ? i18n.t('planner.problems.flyTo') : i18n.t('planner.problems.noGeometry') },
        el('span', { class: 'planner-problem-kind' }, known(i18n, `planner.problem.${p.kind}`, p.kind)),
        p.level ? el('span', { class: 'planner-problem-level' }, known(i18n, `planner.level.${p.level}`, p.level)) : null,
        el('span', { class: 'planner-problem-codes' }, p.codes.join('、') || '—'),
        p.detail ? el('span', { class: 'planner-problem-detail' }, p.detail) : null,
      );
      item.addEventListener('click', () => c.selectProblem(selected ? null : p.idx));
      return el('li', { class: 'planner-problem', 'data-kind': p.kind, 'data-idx': String(p.idx), 'aria-current': selected ? 'true' : false }, item);
    }),
  );
  const warnings = v.warnings ?? [];
  const notes = warnings.length
    ? section(
        'warnings',
        i18n.t('planner.problems.warnings'),
        el(
          'ul',
          { class: 'planner-problems planner-warnings' },
          ...warnings.map((w) =>
            el(
              'li',
              { class: 'planner-problem planner-warning', 'data-kind': w.kind },
              el('span', { class: 'planner-problem-kind' }, known(i18n, `planner.problem.${w.kind}`, w.kind)),
              el('span', { class: 'planner-problem-codes' }, (w.codes ?? []).join('、') || '—'),
              w.detail ? el('span', { class: 'planner-problem-detail' }, w.detail) : null,
            ),
          ),
        ),
      )
    : null;
  const parts: Array<HTMLElement | null> = [summary, state.problems.length ? counts : null, state.problems.length ? list : null, el('p', { class: 'admin-hint' }, i18n.t('planner.problems.legend')), notes];
  return parts.filter((n): n is HTMLElement => !!n);
}
