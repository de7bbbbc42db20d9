// The seed file's shape (DESIGN.md "Contracts"): YAML, validated with zod. Every field is
// optional but tenants[].name and users[].upn. Unknown keys are errors, so a typo never passes
// silently. Errors name the field's path and the line it is on.
import { parseDocument, LineCounter, isNode, type Document } from 'yaml';
import { z } from 'zod';
import { PROGRAMME_PHASES } from '../eras.js';
import { PROTOCOL_IDS } from '../protocols.js';
import { ROLES } from './model.js';

const protocolId = z.enum(PROTOCOL_IDS);
const isoDate = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a date: "${String(v)}" (use ISO 8601, e.g. 2021-07-01 or 2021-07-01T09:00:00Z)` });
    return z.NEVER;
  }
  return ms;
});
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID like 00000000-0000-0000-0000-0000000000a1');
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'letters, digits and dashes only, as in <name>.onmicrosoft.com');
const domain = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name like contoso.com');
const upn = z.string().regex(/^[^\s@]+@[^\s@]+$/, 'must be a user principal name like alice@contoso.com');

const casMailbox = z
  .object({
    imap: z.boolean(),
    pop: z.boolean(),
    ews: z.boolean(),
    eas: z.boolean(),
    mapi: z.boolean(),
    smtpClientAuthenticationDisabled: z.boolean().nullable(),
  })
  .partial()
  .strict();

const user = z
  .object({
    upn,
    /** Generates users: `{n}` in upn and displayName runs from `from` (default 1) to from+count-1. */
    count: z.number().int().min(1).max(1_000_000).optional(),
    from: z.number().int().min(0).optional(),
    displayName: z.string().optional(),
    password: z.string().min(1).optional(),
    mfa: z.boolean().optional(),
    appPasswords: z.array(z.string().min(1)).optional(),
    roles: z.array(z.enum(ROLES)).optional(),
    accountEnabled: z.boolean().optional(),
    authenticationPolicy: z.string().nullable().optional(),
    casMailbox: casMailbox.optional(),
    messages: z.array(z.string()).optional(),
  })
  .strict();

const mailboxPermission = z
  .object({
    mailbox: upn,
    rights: z.enum(['FullAccess', 'SendAs', 'ReadPermission']).default('FullAccess'),
  })
  .strict();

const app = z
  .object({
    clientId: uuid,
    objectId: uuid.optional(),
    displayName: z.string().optional(),
    secret: z.string().min(1).optional(),
    secrets: z.array(z.string().min(1)).optional(),
    delegated: z.array(z.string()).optional(),
    application: z.array(z.string()).optional(),
    redirectUris: z.array(z.string().url()).optional(),
    servicePrincipal: z.boolean().optional(),
    mailboxPermissions: z.array(mailboxPermission).optional(),
  })
  .strict();

const policy = z
  .object({
    name: z.string().min(1).max(64),
    allowBasicAuth: z.partialRecord(protocolId, z.boolean()).optional(),
  })
  .strict();

const tenant = z
  .object({
    name,
    id: uuid.optional(),
    domains: z.array(domain).optional(),
    cloud: z.enum(['commercial', 'gcc']).optional(),
    created: isoDate.optional(),
    dehydrated: z.boolean().optional(),
    securityDefaults: z.boolean().optional(),
    blockLegacyAuthentication: z.boolean().optional(),
    basicAuthBlockedApps: z.array(protocolId).nullable().optional(),
    smtpClientAuthenticationDisabled: z.boolean().optional(),
    smtpBasicAuthReenabled: z.boolean().optional(),
    authenticationPolicies: z.array(policy).optional(),
    defaultAuthenticationPolicy: z.string().nullable().optional(),
    phase: z.enum(PROGRAMME_PHASES).nullable().optional(),
    users: z.array(user).optional(),
    apps: z.array(app).optional(),
  })
  .strict();

export const seedSchema = z
  .object({
    tenants: z.array(tenant).optional(),
    clock: isoDate.nullable().optional(),
  })
  .strict();

export type Seed = z.output<typeof seedSchema>;
export type SeedTenant = NonNullable<Seed['tenants']>[number];
export type SeedUser = NonNullable<SeedTenant['users']>[number];
export type SeedApp = NonNullable<SeedTenant['apps']>[number];

export class SeedError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'SeedError';
  }
}

type Path = readonly (string | number)[];

/** Where a path points in the YAML source, as "line N", or "" if it cannot be found. */
function lineOf(doc: Document | null, counter: LineCounter | null, path: Path): string {
  if (!doc || !counter) return '';
  for (let p = path.length; p >= 0; p--) {
    const node = doc.getIn(path.slice(0, p), true);
    if (isNode(node) && node.range) return ` (line ${counter.linePos(node.range[0]).line})`;
  }
  return '';
}

function pathText(path: Path): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '') || '(top level)';
}

export interface ParsedSeed {
  seed: Seed;
  /** Where the seed came from (a file path, or "seed"); cross-field problems start with it too. */
  origin: string;
  /** Maps a path to " (line N)" for cross-field checks made after parsing. */
  where(path: Path): string;
}

/** Parses YAML (or an object already parsed) and validates it; throws SeedError naming field and line. */
export function parseSeed(source: string | object, origin = 'seed'): ParsedSeed {
  let doc: Document | null = null;
  let counter: LineCounter | null = null;
  let data: unknown = source;
  if (typeof source === 'string') {
    counter = new LineCounter();
    doc = parseDocument(source, { lineCounter: counter, prettyErrors: true });
    if (doc.errors.length) {
      // The parser's first line ends in its own " at line L, column C:" (prettyErrors); the
      // position is given once, in the "(line N ...)" form of the field problems below.
      const problems = doc.errors.map((e) => {
        const text = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        const where = e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
        return `${origin}: YAML syntax error${where}: ${text}`;
      });
      throw new SeedError(problems.join('\n'), problems);
    }
    data = doc.toJS() ?? {};
  }
  const result = seedSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
      const cleaned = path.filter((p): p is string | number => typeof p !== 'symbol');
      return `${origin}: ${pathText(cleaned)}${lineOf(doc, counter, cleaned)}: ${issue.message}`;
    });
    throw new SeedError(problems.join('\n'), problems);
  }
  return { seed: result.data, origin, where: (path) => lineOf(doc, counter, path) };
}

export { pathText };
