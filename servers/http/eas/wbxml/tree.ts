// Building and reading WBXML trees: the commands speak in elements, never in bytes.
import type { WbxmlElement, WbxmlNode } from './codec.js';

type Child = WbxmlNode | number | null | undefined | false | readonly Child[];

/** An element; numbers become text, null/undefined/false children are left out, arrays are flattened. */
export function el(ns: string, tag: string, ...children: Child[]): WbxmlElement {
  const out: WbxmlNode[] = [];
  const add = (c: Child) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) for (const x of c as readonly Child[]) add(x);
    else if (typeof c === 'number') out.push(String(c));
    else out.push(c as WbxmlNode);
  };
  for (const c of children) add(c);
  return { ns, tag, children: out };
}

/** A namespace's element builder: `const as = ns('AirSync'); as('SyncKey', '0')`. */
export function ns(namespace: string): (tag: string, ...children: Child[]) => WbxmlElement {
  return (tag, ...children) => el(namespace, tag, ...children);
}

export function isElement(node: WbxmlNode | undefined): node is WbxmlElement {
  return !!node && typeof node === 'object' && !(node instanceof Uint8Array);
}

/** Child elements with this tag (in the parent's namespace unless one is given). */
export function all(parent: WbxmlElement | undefined, tag: string, namespace?: string): WbxmlElement[] {
  if (!parent) return [];
  const wanted = namespace ?? parent.ns;
  return parent.children.filter((c): c is WbxmlElement => isElement(c) && c.tag === tag && c.ns === wanted);
}

export function first(parent: WbxmlElement | undefined, tag: string, namespace?: string): WbxmlElement | undefined {
  return all(parent, tag, namespace)[0];
}

/** The element's text (opaque data read as UTF-8); undefined when the element is absent. */
export function text(element: WbxmlElement | undefined): string | undefined {
  if (!element) return undefined;
  let out = '';
  for (const c of element.children) {
    if (typeof c === 'string') out += c;
    else if (c instanceof Uint8Array) out += Buffer.from(c).toString('utf8');
  }
  return out;
}

/** The element's content as bytes (text as UTF-8, opaque as is). */
export function bytes(element: WbxmlElement | undefined): Buffer | undefined {
  if (!element) return undefined;
  return Buffer.concat(element.children.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c instanceof Uint8Array ? c : Buffer.alloc(0))));
}

export function childText(parent: WbxmlElement | undefined, tag: string, namespace?: string): string | undefined {
  return text(first(parent, tag, namespace));
}
