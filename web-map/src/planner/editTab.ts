import { selectInput, table, textInput, toolbar } from '../admin/widgets';
import type { StringKey } from '../i18n';
import type { GridLevel } from '../types';
import { el } from '../ui/dom';
import { formatArea } from './compare';
import { findGrid } from './planGrids';
import { isDraft } from './state';
import { TOOLS, type ToolId } from './tools';
import { undoRedo } from './history';
import { GRID_LEVELS } from './types';
import { action, hint, known, section, type ViewContext } from './view';

/** 编辑: undo / redo, the tools, the chosen tool's inputs, and what the last edit changed. */
export function editTab(ctx: ViewContext): Node[] {
  const { state, c, i18n } = ctx;
  if (!isDraft(state.plan)) return [hint(i18n.t('planner.edit.readOnly'))];
  const { canUndo, canRedo, undoTarget, redoTarget } = undoRedo(state.history);
  const busy = state.busy;
  return [
    toolbar(
      action(i18n.t('planner.undo'), 'undo', () => void c.undo(), { disabled: busy || !canUndo, title: undoTarget?.summary }),
      action(i18n.t('planner.redo'), 'redo', () => void c.redo(), { disabled: busy || !canRedo, title: redoTarget?.summary }),
      el('span', { class: 'planner-spacer' }),
      action(i18n.t('planner.import.open'), 'open-import', () => c.openImport(), { disabled: busy }),
    ),
    el(
      'div',
      { class: 'planner-tools', role: 'toolbar' },
      ...TOOLS.map((t) =>
        action(i18n.t(`planner.tool.${t}` as StringKey), 'tool', () => c.chooseTool(t), { disabled: busy }),
      ).map((b, i) => {
        b.classList.add('planner-tool');
        b.setAttribute('data-tool', TOOLS[i]!);
        b.setAttribute('aria-pressed', String(state.tool.tool === TOOLS[i]));
        return b;
      }),
    ),
    toolPanel(ctx),
    state.lastEdit ? lastEdit(ctx) : null,
  ].filter((n): n is HTMLElement => !!n);
}

function toolPanel(ctx: ViewContext): HTMLElement {
  const { state, c, i18n } = ctx;
  const t = state.tool;
  const busy = state.busy;
  const parts: Array<Node | null> = [hint(i18n.t(`planner.tool.${t.tool}.hint` as StringKey))];
  const picked = (code: string | null): HTMLElement =>
    el('p', { class: 'planner-picked', 'data-picked': code ?? '' }, code ? i18n.t('planner.tool.picked', { code, name: findGrid(state.grids?.unit, code)?.properties.name ?? findGrid(state.grids?.large, code)?.properties.name ?? '' }) : i18n.t('planner.tool.pickFirst'));
  switch (t.tool) {
    case 'view':
      break;
    case 'reshape':
      parts.push(picked(t.code));
      if (t.code) {
        parts.push(toolbar(action(i18n.t('planner.tool.reshape.save'), 'save-reshape', () => void c.saveReshape(), { primary: true, disabled: busy }), cancel(ctx)));
      }
      break;
    case 'split':
      parts.push(picked(t.code));
      parts.push(labelled(i18n.t('planner.tool.split.newCode'), textInput('newCode', t.newCode, (v) => c.updateTool({ newCode: v }), { placeholder: i18n.t('planner.tool.split.newCodeAuto') })));
      if (t.code) parts.push(toolbar(el('span', { class: 'planner-drawing' }, i18n.t('planner.tool.split.drawing')), cancel(ctx)));
      break;
    case 'merge':
    case 'assign': {
      if (t.tool === 'assign') {
        const large = (state.grids?.large.features ?? []).map((f) => [f.properties.code, `${f.properties.code} ${f.properties.name ?? ''}${f.properties.teamName ? `（${f.properties.teamName}）` : ''}`] as [string, string]);
        parts.push(labelled(i18n.t('planner.tool.assign.target'), selectInput('target', [['', i18n.t('planner.tool.assign.choose')], ...large], t.target, (v) => c.updateTool({ target: v }, true))));
      }
      parts.push(
        el('p', { class: 'planner-picks', 'data-count': String(t.picks.length) }, t.picks.length ? i18n.t('planner.tool.picks', { n: t.picks.length, codes: t.picks.join('、') }) : i18n.t('planner.tool.noPicks')),
        toolbar(
          action(i18n.t(t.tool === 'merge' ? 'planner.tool.merge.apply' : 'planner.tool.assign.apply', { n: t.picks.length }), `apply-${t.tool}`, () => void c.applyTool(), { primary: true, disabled: busy || !t.picks.length }),
          cancel(ctx, 'planner.tool.clear'),
        ),
      );
      break;
    }
    case 'rename':
    case 'recode':
      parts.push(labelled(i18n.t('planner.tool.level'), selectInput('level', [['unit', i18n.t('planner.level.unit')], ['large', i18n.t('planner.level.large')]], t.level, (v) => c.updateTool({ level: v as 'unit' | 'large', code: null }, true))));
      parts.push(picked(t.code));
      if (t.code) {
        parts.push(
          t.tool === 'rename'
            ? labelled(i18n.t('planner.tool.rename.name'), textInput('name', t.name, (v) => c.updateTool({ name: v })))
            : labelled(i18n.t('planner.tool.recode.newCode'), textInput('newCode', t.newCode, (v) => c.updateTool({ newCode: v }))),
          toolbar(action(i18n.t('admin.save'), `apply-${t.tool}`, () => void c.applyTool(), { primary: true, disabled: busy }), cancel(ctx)),
        );
      }
      break;
    case 'clean':
      parts.push(
        el(
          'div',
          { class: 'planner-inline' },
          labelled(i18n.t('planner.tool.clean.level'), selectInput('cleanLevel', GRID_LEVELS.map((l) => [l, i18n.t(`planner.level.${l}` as StringKey)]), t.cleanLevel, (v) => c.updateTool({ cleanLevel: v as GridLevel }))),
          labelled(i18n.t('planner.tool.clean.snapM'), textInput('snapM', t.snapM, (v) => c.updateTool({ snapM: v }), { inputmode: 'decimal' })),
          labelled(i18n.t('planner.tool.clean.maxGapM'), textInput('maxGapM', t.maxGapM, (v) => c.updateTool({ maxGapM: v }), { inputmode: 'decimal' })),
        ),
        toolbar(action(i18n.t('planner.tool.clean.apply'), 'apply-clean', () => void c.applyTool(), { primary: true, disabled: busy })),
      );
      break;
  }
  return el('div', { class: 'planner-tool-panel', 'data-tool': t.tool, 'data-phase': t.phase }, ...parts);
}

const labelled = (label: string, control: HTMLElement): HTMLElement =>
  el('label', { class: 'admin-field planner-field' }, el('span', { class: 'admin-label' }, label), control);

const cancel = (ctx: ViewContext, key: StringKey = 'admin.cancel'): HTMLButtonElement =>
  action(ctx.i18n.t(key), 'cancel-tool', () => ctx.c.chooseTool(ctx.state.tool.tool as ToolId));

/** The last edit: its summary and, for clean and the like, every change it made (`table[data-table=changes]`). */
function lastEdit(ctx: ViewContext): HTMLElement {
  const { state, i18n } = ctx;
  const result = state.lastEdit!;
  const changes = result.changes ?? [];
  const rows = changes.map((ch) =>
    el(
      'tr',
      { 'data-kind': ch.kind },
      el('td', { class: 'nowrap' }, known(i18n, `planner.change.${ch.kind}`, ch.kind)),
      el('td', { class: 'planner-codes-cell' }, ...(ch.codes ?? []).map((code) => el('span', { class: 'planner-code' }, code))),
      el('td', { class: 'nowrap planner-num' }, typeof ch.areaM2 === 'number' ? formatArea(ch.areaM2) : '—'),
      el('td', {}, ch.detail ?? ''),
    ),
  );
  return section(
    'last-edit',
    i18n.t('planner.edit.last', { seq: result.edit?.seq ?? '?' }),
    el('p', { class: 'planner-summary' }, result.edit?.summary ?? ''),
    el('p', { class: 'admin-muted planner-codes' }, i18n.t('planner.edit.counts', { changed: result.changed?.length ?? 0, removed: result.removed?.length ?? 0 })),
    changes.length ? table('changes', ['kind', 'codes', 'area', 'detail'].map((h) => i18n.t(`planner.change.col.${h}` as StringKey)), rows, '') : null,
  );
}
