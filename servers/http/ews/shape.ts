// ItemShape and FolderShape: which properties a response carries (BaseShape plus
// AdditionalProperties), and the request's paging views. Values outside the schema's
// enumerations are schema errors, as the real service validates requests against its XSD.
import { missingChild, notInEnumeration, schemaFault } from './soap.js';
import { child, childText, NS, type XmlElement } from './xml.js';

export type BaseShape = 'IdOnly' | 'Default' | 'AllProperties';
export type BodyType = 'Best' | 'HTML' | 'Text';

export interface Shape {
  base: BaseShape;
  /** FieldURI values of AdditionalProperties (item:Subject, message:IsRead, folder:DisplayName, ...). */
  additional: Set<string>;
  includeMime: boolean;
  bodyType: BodyType;
}

const BASE_SHAPES = new Set<BaseShape>(['IdOnly', 'Default', 'AllProperties']);
const BODY_TYPES = new Set<BodyType>(['Best', 'HTML', 'Text']);

export function parseShape(op: XmlElement, name: 'ItemShape' | 'FolderShape'): Shape {
  const shapeEl = child(op, NS.messages, name);
  if (!shapeEl) throw missingChild(op.name, name);
  const base = childText(shapeEl, NS.types, 'BaseShape')?.trim() as BaseShape | undefined;
  if (!base || !BASE_SHAPES.has(base)) throw notInEnumeration('element', 'BaseShape', base ?? '', 'DefaultShapeNamesType');
  const bodyType = (childText(shapeEl, NS.types, 'BodyType')?.trim() || 'Best') as BodyType;
  if (!BODY_TYPES.has(bodyType)) throw notInEnumeration('element', 'BodyType', bodyType, 'BodyTypeResponseType');
  const additional = new Set<string>();
  for (const path of child(shapeEl, NS.types, 'AdditionalProperties')?.children ?? []) {
    if (path.name === 'FieldURI' && path.attrs.FieldURI) additional.add(path.attrs.FieldURI);
  }
  const includeMime = childText(shapeEl, NS.types, 'IncludeMimeContent')?.trim() === 'true' || additional.has('item:MimeContent');
  return { base, additional, includeMime, bodyType };
}

export interface PageView {
  max: number;
  offset: number;
  fromEnd: boolean;
}

/** IndexedPageItemView / IndexedPageFolderView; without one, everything up to the server's cap. */
export function parseIndexedView(op: XmlElement, name: 'IndexedPageItemView' | 'IndexedPageFolderView', cap: number): PageView {
  const view = child(op, NS.messages, name);
  if (!view) return { max: cap, offset: 0, fromEnd: false };
  const offset = integer(view.attrs.Offset, 'Offset');
  const max = view.attrs.MaxEntriesReturned === undefined ? cap : integer(view.attrs.MaxEntriesReturned, 'MaxEntriesReturned');
  const basePoint = view.attrs.BasePoint ?? 'Beginning';
  if (basePoint !== 'Beginning' && basePoint !== 'End') throw notInEnumeration('attribute', 'BasePoint', basePoint, 'IndexBasePointType');
  if (max < 1) throw schemaFault(`The 'MaxEntriesReturned' attribute is invalid - The value '${max}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int' - The MinInclusive constraint failed.`);
  return { max: Math.min(max, cap), offset, fromEnd: basePoint === 'End' };
}

function integer(value: string | undefined, attr: string): number {
  if (value === undefined) return 0;
  const n = Number(value.trim());
  if (!/^\s*\d{1,9}\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw schemaFault(`The '${attr}' attribute is invalid - The value '${value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int' - The string '${value}' is not a valid Int32 value.`);
  }
  return n;
}

/** The slice of `total` entries a view selects, and the paging attributes of the response. */
export function page<T>(all: readonly T[], view: PageView): { items: T[]; attrs: { IndexedPagingOffset: number; TotalItemsInView: number; IncludesLastItemInRange: boolean } } {
  const total = all.length;
  let start: number;
  let end: number;
  if (view.fromEnd) {
    end = Math.max(0, total - view.offset);
    start = Math.max(0, end - view.max);
  } else {
    start = Math.min(view.offset, total);
    end = Math.min(total, start + view.max);
  }
  const items = all.slice(start, end);
  const next = view.fromEnd ? view.offset + items.length : end;
  const includesLast = view.fromEnd ? start === 0 : end >= total;
  return { items, attrs: { IndexedPagingOffset: next, TotalItemsInView: total, IncludesLastItemInRange: includesLast } };
}
