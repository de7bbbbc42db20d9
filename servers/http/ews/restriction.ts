// FindItem's Restriction: the comparisons, Contains, Exists and And/Or/Not over the message
// properties exogate stores. A restriction on any other property is refused with
// ErrorUnsupportedPathForQuery rather than ignored, so a client never takes an unfiltered list
// for a filtered one.
import type { MessageMeta } from '../../../core/mail/store.js';
import { addressesOf, decodeHeader, hasAttachments } from './mime-text.js';
import type { Content } from './items.js';
import { schemaFault } from './soap.js';
import { child, NS, type XmlElement } from './xml.js';

export interface Candidate {
  meta: MessageMeta;
  content?: Content;
}

export type Predicate = (c: Candidate) => boolean;

export class UnsupportedRestriction extends Error {}

type Value = string | number | boolean | null;

interface Field {
  /** Needs the message's parsed content (subject, addresses...) rather than the index alone. */
  content: boolean;
  kind: 'string' | 'number' | 'boolean' | 'date';
  get(c: Candidate): Value | Value[];
}

const FIELDS: Readonly<Record<string, Field>> = {
  'item:Subject': { content: true, kind: 'string', get: (c) => decodeHeader(c.content?.structure.envelope.subject) },
  'message:IsRead': { content: false, kind: 'boolean', get: (c) => c.meta.flags.some((f) => f.toLowerCase() === '\\seen') },
  'item:DateTimeReceived': { content: false, kind: 'date', get: (c) => c.meta.internalDate.getTime() },
  'item:DateTimeCreated': { content: false, kind: 'date', get: (c) => c.meta.internalDate.getTime() },
  'item:Size': { content: false, kind: 'number', get: (c) => c.meta.size },
  'item:ItemClass': { content: false, kind: 'string', get: () => 'IPM.Note' },
  'item:HasAttachments': { content: true, kind: 'boolean', get: (c) => (c.content ? hasAttachments(c.content.structure.body) : false) },
  'message:InternetMessageId': { content: true, kind: 'string', get: (c) => c.content?.structure.envelope.messageId ?? null },
  'message:From': { content: true, kind: 'string', get: (c) => addressesOf(c.content?.structure.envelope.from ?? null).flatMap((a) => [a.address, a.name]) },
  'message:Sender': { content: true, kind: 'string', get: (c) => addressesOf(c.content?.structure.envelope.sender ?? null).flatMap((a) => [a.address, a.name]) },
};

export interface Restriction {
  test: Predicate;
  needsContent: boolean;
}

/** Compiles m:Restriction; throws UnsupportedRestriction for what exogate cannot evaluate. */
export function compileRestriction(restriction: XmlElement | undefined): Restriction | null {
  if (!restriction) return null;
  if (restriction.children.length !== 1) throw schemaFault(`The element 'Restriction' in namespace '${NS.messages}' must hold one search expression.`);
  const state = { needsContent: false };
  const test = compile(restriction.children[0], state);
  return { test, needsContent: state.needsContent };
}

function fieldOf(expr: XmlElement, state: { needsContent: boolean }): Field {
  const path = expr.children.find((c) => c.ns === NS.types && (c.name === 'FieldURI' || c.name === 'ExtendedFieldURI' || c.name === 'IndexedFieldURI'));
  const field = path?.name === 'FieldURI' ? FIELDS[path.attrs.FieldURI ?? ''] : undefined;
  if (!field) throw new UnsupportedRestriction();
  if (field.content) state.needsContent = true;
  return field;
}

function constantOf(expr: XmlElement, container: string): string {
  const holder = container ? child(expr, NS.types, container) : expr;
  const constant = child(holder, NS.types, 'Constant');
  // Comparing one property with another (FieldURIOrConstant holding a FieldURI) is not supported.
  if (!constant) throw new UnsupportedRestriction();
  return constant.attrs.Value ?? '';
}

function coerce(field: Field, raw: string): Value {
  switch (field.kind) {
    case 'boolean':
      return raw.trim() === 'true' || raw.trim() === '1';
    case 'number':
      return Number(raw);
    case 'date': {
      const t = Date.parse(raw);
      if (Number.isNaN(t)) throw schemaFault(`The value '${raw}' is not a valid dateTime.`);
      return t;
    }
    default:
      return raw.toLowerCase();
  }
}

const norm = (v: Value) => (typeof v === 'string' ? v.toLowerCase() : v);
const values = (field: Field, c: Candidate): Value[] => {
  const v = field.get(c);
  return (Array.isArray(v) ? v : [v]).map(norm);
};

const COMPARE: Readonly<Record<string, (a: Value, b: Value) => boolean>> = {
  IsEqualTo: (a, b) => a === b,
  IsNotEqualTo: (a, b) => a !== b,
  IsGreaterThan: (a, b) => a !== null && b !== null && a > b,
  IsGreaterThanOrEqualTo: (a, b) => a !== null && b !== null && a >= b,
  IsLessThan: (a, b) => a !== null && b !== null && a < b,
  IsLessThanOrEqualTo: (a, b) => a !== null && b !== null && a <= b,
};

function compile(expr: XmlElement, state: { needsContent: boolean }): Predicate {
  if (expr.ns !== NS.types) throw schemaFault(`The element '${expr.name}' is not a search expression.`);
  switch (expr.name) {
    case 'And':
    case 'Or': {
      const parts = expr.children.map((c) => compile(c, state));
      return expr.name === 'And' ? (c) => parts.every((p) => p(c)) : (c) => parts.some((p) => p(c));
    }
    case 'Not': {
      if (expr.children.length !== 1) throw schemaFault("The element 'Not' must hold one search expression.");
      const inner = compile(expr.children[0], state);
      return (c) => !inner(c);
    }
    case 'Exists': {
      const field = fieldOf(expr, state);
      return (c) => values(field, c).some((v) => v !== null && v !== '');
    }
    case 'Contains': {
      const field = fieldOf(expr, state);
      if (field.kind !== 'string') throw new UnsupportedRestriction();
      const exact = expr.attrs.ContainmentComparison === 'Exact';
      const mode = expr.attrs.ContainmentMode ?? 'Substring';
      const needle = constantOf(expr, '');
      const wanted = exact ? needle : needle.toLowerCase();
      return (c) => {
        const raw = field.get(c);
        return (Array.isArray(raw) ? raw : [raw]).some((v) => {
          if (typeof v !== 'string') return false;
          const hay = exact ? v : v.toLowerCase();
          if (mode === 'FullString') return hay === wanted;
          if (mode === 'Prefixed') return hay.startsWith(wanted);
          if (mode === 'PrefixOnWords') return hay.split(/\s+/).some((w) => w.startsWith(wanted));
          return hay.includes(wanted);
        });
      };
    }
    default: {
      const compare = COMPARE[expr.name];
      if (!compare) throw new UnsupportedRestriction();
      const field = fieldOf(expr, state);
      const constant = coerce(field, constantOf(expr, 'FieldURIOrConstant'));
      return (c) => {
        const vs = values(field, c);
        return expr.name === 'IsNotEqualTo' ? vs.every((v) => compare(v, constant)) : vs.some((v) => compare(v, constant));
      };
    }
  }
}
