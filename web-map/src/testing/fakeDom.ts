import { vi } from 'vitest';

/*
 * The project runs vitest in plain node (no jsdom): a tiny DOM stand-in, enough for the panel. Its
 * innerHTML / outerHTML / insertAdjacentHTML throw, so any HTML parsing path fails the tests.
 */
export class FakeText {
  parent: FakeElement | null = null;
  constructor(public data: string) {}
  get textContent(): string {
    return this.data;
  }
}

export type FakeNode = FakeElement | FakeText;

export class FakeElement {
  parent: FakeElement | null = null;
  childNodes: FakeNode[] = [];
  attributes = new Map<string, string>();
  listeners = new Map<string, Array<(event: unknown) => void>>();
  dataset: Record<string, string> = {};
  style: Record<string, string> = {};
  value = '';
  checked = false;
  disabled = false;
  files: unknown[] | null = null;
  constructor(public tagName: string) {}

  get className(): string {
    return this.attributes.get('class') ?? '';
  }
  set className(value: string) {
    this.attributes.set('class', value);
  }
  get classList() {
    const set = (names: string[]) => this.attributes.set('class', names.join(' '));
    return {
      contains: (name: string) => this.classes.includes(name),
      add: (...names: string[]) => set([...new Set([...this.classes, ...names])]),
      remove: (...names: string[]) => set(this.classes.filter((c) => !names.includes(c))),
      toggle: (name: string, on?: boolean) => {
        const want = on ?? !this.classes.includes(name);
        set(want ? [...new Set([...this.classes, name])] : this.classes.filter((c) => c !== name));
        return want;
      },
    };
  }
  get title(): string {
    return this.attributes.get('title') ?? '';
  }
  set title(value: string) {
    this.attributes.set('title', value);
  }
  remove() {
    if (!this.parent) return;
    this.parent.childNodes = this.parent.childNodes.filter((n) => n !== this);
    this.parent = null;
  }
  closest(selector: string): FakeElement | null {
    for (let node: FakeElement | null = this; node; node = node.parent) if (node.matches(selector)) return node;
    return null;
  }

  setAttribute(name: string, value: string) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  hasAttribute(name: string) {
    return this.attributes.has(name);
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
  }
  get hidden() {
    return this.attributes.has('hidden');
  }
  set hidden(on: boolean) {
    if (on) this.attributes.set('hidden', '');
    else this.attributes.delete('hidden');
  }
  get classes() {
    return (this.attributes.get('class') ?? '').split(/\s+/).filter(Boolean);
  }
  append(...nodes: Array<FakeNode | string>) {
    for (const n of nodes) {
      const node = typeof n === 'string' ? new FakeText(n) : n;
      node.parent = this;
      this.childNodes.push(node);
    }
  }
  replaceChildren(...nodes: Array<FakeNode | string>) {
    this.childNodes = [];
    this.append(...nodes);
  }
  get children(): FakeElement[] {
    return this.childNodes.filter((n): n is FakeElement => n instanceof FakeElement);
  }
  get textContent(): string {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(text: string) {
    this.replaceChildren(new FakeText(text));
  }
  set innerHTML(_: string) {
    throw new Error('innerHTML must not be used');
  }
  get innerHTML(): string {
    throw new Error('innerHTML must not be used');
  }
  set outerHTML(_: string) {
    throw new Error('outerHTML must not be used');
  }
  insertAdjacentHTML() {
    throw new Error('insertAdjacentHTML must not be used');
  }
  addEventListener(type: string, fn: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  fire(type: string, event: Record<string, unknown> = {}) {
    for (const fn of this.listeners.get(type) ?? []) fn({ preventDefault() {}, target: this, ...event });
  }
  /** Sets the value (or checked state) and fires input and change, as a user would. */
  type(value: string | boolean) {
    if (typeof value === 'boolean') this.checked = value;
    else this.value = value;
    this.fire('input');
    this.fire('change');
  }
  focus() {}
  descendants(): FakeElement[] {
    return this.children.flatMap((c) => [c, ...c.descendants()]);
  }
  matches(selector: string): boolean {
    return selector.split(',').some((part) => {
      const steps = part.trim().split(/\s+/);
      let node: FakeElement | null = this;
      if (!matchesCompound(node, steps.pop()!)) return false;
      for (const step of steps.reverse()) {
        node = node.parent;
        while (node && !matchesCompound(node, step)) node = node.parent;
        if (!node) return false;
      }
      return true;
    });
  }
  querySelectorAll(selector: string): FakeElement[] {
    return this.descendants().filter((d) => d.matches(selector));
  }
  querySelector(selector: string): FakeElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

/** tag, #id, .class and [attr] / [attr=value] parts, e.g. `button.incident-action[data-action=handle]`. */
export function matchesCompound(node: FakeElement, compound: string): boolean {
  const re = /([a-z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:=["']?([^"'\]]*)["']?)?\]/gi;
  for (const m of compound.matchAll(re)) {
    if (m[1] && node.tagName !== m[1].toLowerCase()) return false;
    if (m[2] && node.getAttribute('id') !== m[2]) return false;
    if (m[3] && !node.classes.includes(m[3])) return false;
    if (m[4] && (m[5] === undefined ? !node.hasAttribute(m[4]) : node.getAttribute(m[4]) !== m[5])) return false;
  }
  return true;
}


/** Stubs the global `document` with a fresh fake; returns its `<body>`. Undo with `vi.unstubAllGlobals()`. */
export function installFakeDom(): FakeElement {
  const body = new FakeElement('body');
  vi.stubGlobal('document', {
    createElement: (tag: string) => new FakeElement(tag.toLowerCase()),
    createTextNode: (text: string) => new FakeText(text),
    body,
  });
  return body;
}

/** The fake behind a real DOM type, for assertions. */
export const fake = (node: unknown): FakeElement => node as FakeElement;
