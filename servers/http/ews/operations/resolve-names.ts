// ResolveNames against the directory: users of the caller's own tenant whose address, alias or
// display name starts with the entry (an "SMTP:" prefix is dropped; an exact address wins).
// One match is Success, several a Warning (ErrorNameResolutionMultipleResults) with every
// match, none an Error — as EWS answers. Contacts are not searched (no contacts folder here).
import type { User } from '../../../../core/tenants/model.js';
import { EWS_ERRORS } from '../replies.js';
import type { EwsSession } from '../session.js';
import { missingChild } from '../soap.js';
import { childText, el, NS, type Out } from '../xml.js';
import { failure, response, success } from './respond.js';
import type { Operation } from './spec.js';

/** EWS returns at most 100 resolutions per entry. */
const MAX_RESOLUTIONS = 100;

function matches(session: EwsSession, entry: string): User[] {
  const wanted = entry.replace(/^smtp:/i, '').trim().toLowerCase();
  if (!wanted) return [];
  const users = [...session.tenant.users.values()];
  const exact = users.filter((u) => u.upn === wanted);
  if (exact.length) return exact;
  return users
    .filter((u) => u.upn.startsWith(wanted) || u.displayName.toLowerCase().startsWith(wanted) || u.displayName.toLowerCase().split(/\s+/).some((w) => w.startsWith(wanted)))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.upn.localeCompare(b.upn))
    .slice(0, MAX_RESOLUTIONS);
}

function resolution(user: User, full: boolean): Out {
  return el('t:Resolution', null, [
    el('t:Mailbox', null, [
      el('t:Name', null, user.displayName),
      el('t:EmailAddress', null, user.upn),
      el('t:RoutingType', null, 'SMTP'),
      el('t:MailboxType', null, 'Mailbox'),
    ]),
    full
      ? el('t:Contact', null, [
          el('t:DisplayName', null, user.displayName),
          el('t:EmailAddresses', null, [el('t:Entry', { Key: 'EmailAddress1' }, `SMTP:${user.upn}`)]),
          el('t:ContactSource', null, 'ActiveDirectory'),
        ])
      : null,
  ]);
}

export const resolveNames: Operation = {
  name: 'ResolveNames',
  async run(op, session) {
    const entry = childText(op, NS.messages, 'UnresolvedEntry');
    if (entry === undefined) throw missingChild('ResolveNames', 'UnresolvedEntry');
    const full = op.attrs.ReturnFullContactData === 'true';
    const found = matches(session, entry);
    const set = (users: User[]) =>
      el('m:ResolutionSet', { TotalItemsInView: users.length, IncludesLastItemInRange: true }, users.map((u) => resolution(u, full)));
    let message: Out;
    if (!found.length) message = failure('ResolveNames', EWS_ERRORS.nameResolutionNoResults);
    else if (found.length === 1) message = success('ResolveNames', [set(found)]);
    else message = failure('ResolveNames', EWS_ERRORS.nameResolutionMultipleResults, [set(found)], 'Warning');
    return response('ResolveNames', [message]);
  },
};
