// Autodiscover POX (`/autodiscover/autodiscover.xml`, MS-OXDSCLI and MS-ASCMD "Autodiscover"):
// read the request with a real XML parser, pick the provider by AcceptableResponseSchema as
// Exchange does, and build the answer with a real XML builder, so nothing a client sends is
// ever pasted into XML unescaped.
import { XMLBuilder } from 'fast-xml-parser';
import { parseUntrustedXml, xmlChild as child, xmlText as text_ } from '../xml-untrusted.js';
import type { FrontEnd } from '../../../core/frontends.js';
import type { Tenant, User } from '../../../core/tenants/model.js';
import { legacyDn, mailboxId } from '../urls.js';
import { serverDn } from './mailbox.js';
import { MOBILE_CULTURE, NS, POX_ERRORS, SERVER_VERSION, type PoxError } from './replies.js';

export type Provider = 'outlook' | 'mobilesync';

export type PoxRequest = { ok: true; email: string; provider: Provider } | { ok: false; error: PoxError };

const builder = new XMLBuilder({ ignoreAttributes: false, suppressBooleanAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: true });

const PROVIDERS: ReadonlyMap<string, Provider> = new Map([
  [NS.outlookResponse, 'outlook'],
  [NS.mobileResponse, 'mobilesync'],
]);

/** Parses a POX request body; every unusable body is Exchange's 600 "Invalid Request". */
export function parsePoxRequest(body: Buffer | undefined): PoxRequest {
  const invalid = { ok: false as const, error: POX_ERRORS.invalidRequest };
  if (!body || !body.length) return invalid;
  const doc = parseUntrustedXml(body);
  if (doc === null) return invalid;
  const request = child(child(doc, 'Autodiscover'), 'Request');
  const email = text_(child(request, 'EMailAddress'));
  const schema = text_(child(request, 'AcceptableResponseSchema'));
  if (!email || !schema) return invalid;
  const provider = PROVIDERS.get(schema);
  if (!provider) return { ok: false, error: POX_ERRORS.noProvider };
  return { ok: true, email, provider };
}

const declaration = { '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' } };

/** Exchange's error body (`<Error Time=".." Id="..">`); Id is the answering server's, Time its clock's. */
export function renderPoxError(error: PoxError, now: Date, frontEnd: FrontEnd | undefined): string {
  return builder.build({
    ...declaration,
    Autodiscover: {
      '@_xmlns': NS.response,
      Response: {
        Error: {
          '@_Time': errorTime(now),
          '@_Id': serverId(frontEnd?.name ?? ''),
          ErrorCode: error.code,
          Message: error.message,
          DebugData: '',
        },
      },
    },
  });
}

export interface Endpoints {
  base: string;
  /** Offer the mapiHttp block (the client sent X-MapiHttpCapability, MS-OXDSCLI §2.2.3.2). */
  mapiHttp: boolean;
}

/** The Outlook provider's answer (responseschema 2006a): EXCH and EXPR blocks, and mapiHttp on request. */
export function renderOutlook(user: User, tenant: Tenant, e: Endpoints): string {
  const ews = `${e.base}/EWS/Exchange.asmx`;
  const oab = `${e.base}/OAB/${tenant.id}/`;
  const urls = { ASUrl: ews, EwsUrl: ews, EmwsUrl: ews, OOFUrl: ews, OABUrl: oab };
  const host = e.base.slice('https://'.length);
  const protocols: Record<string, unknown>[] = [
    {
      Type: 'EXCH',
      Server: mailboxId(user),
      ServerDN: serverDn(user),
      ServerVersion: SERVER_VERSION,
      AuthPackage: 'Anonymous',
      ...urls,
      ServerExclusiveConnect: 'off',
    },
    {
      Type: 'EXPR',
      Server: host,
      SSL: 'On',
      AuthPackage: 'Basic',
      ...urls,
      ServerExclusiveConnect: 'on',
    },
  ];
  if (e.mapiHttp) {
    const id = encodeURIComponent(mailboxId(user));
    const store = `${e.base}/mapi/emsmdb/?MailboxId=${id}`;
    const book = `${e.base}/mapi/nspi/?MailboxId=${id}`;
    protocols.push({
      '@_Type': 'mapiHttp',
      '@_Version': '1',
      MailStore: { InternalUrl: store, ExternalUrl: store },
      AddressBook: { InternalUrl: book, ExternalUrl: book },
    });
  }
  return builder.build({
    ...declaration,
    Autodiscover: {
      '@_xmlns': NS.response,
      Response: {
        '@_xmlns': NS.outlookResponse,
        User: {
          DisplayName: user.displayName,
          LegacyDN: legacyDn(user),
          AutoDiscoverSMTPAddress: user.upn,
          DeploymentId: tenant.id,
        },
        Account: {
          AccountType: 'email',
          Action: 'settings',
          MicrosoftOnline: 'True',
          Protocol: protocols,
        },
      },
    },
  });
}

/** The mobilesync provider's answer (MS-ASCMD §2.2.1.1): the ActiveSync URL. */
export function renderMobileSync(user: User, e: Endpoints): string {
  const url = `${e.base}/Microsoft-Server-ActiveSync`;
  return builder.build({
    ...declaration,
    Autodiscover: {
      '@_xmlns:xsd': NS.xsd,
      '@_xmlns:xsi': NS.xsi,
      '@_xmlns': NS.response,
      Response: {
        '@_xmlns': NS.mobileResponse,
        Culture: MOBILE_CULTURE,
        User: { DisplayName: user.displayName, EMailAddress: user.upn },
        Action: { Settings: { Server: { Type: 'MobileSync', Url: url, Name: url } } },
      },
    },
  });
}

/** `13:27:32.4617128`: the time of day with seven fractional digits, as .NET prints it. */
function errorTime(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${pad(now.getUTCMilliseconds(), 3)}0000`;
}

/** A stable number per server name (Exchange's Id attribute names the server, not the request). */
function serverId(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
