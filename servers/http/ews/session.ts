// What one EWS request works with once signed in: the acting mailbox, the mailboxes it may
// open besides it (delegate access through FullAccess), and each mailbox's folders, read from
// the store at most once per request.
import type { FrontEnd } from '../../../core/frontends.js';
import type { FolderInfo } from '../../../core/mail/store.js';
import type { Tenant, User } from '../../../core/tenants/model.js';
import type { HttpContext } from '../context.js';
import { hasFullAccess, type Acting } from './mailbox.js';
import { EWS_ERRORS, type EwsError } from './replies.js';

export class MailboxView {
  #folders: FolderInfo[] | undefined;

  constructor(
    readonly ctx: HttpContext,
    readonly user: User,
  ) {}

  async folders(): Promise<FolderInfo[]> {
    this.#folders ??= await this.ctx.mail.folders(this.user.id);
    return this.#folders;
  }

  async byName(name: string): Promise<FolderInfo | undefined> {
    return (await this.folders()).find((f) => f.name === name);
  }

  async byId(id: string): Promise<FolderInfo | undefined> {
    return (await this.folders()).find((f) => f.id === id);
  }
}

export class EwsSession {
  readonly #views = new Map<string, MailboxView>();
  readonly tenant: Tenant;
  readonly mailbox: User;
  readonly trustee: string;

  constructor(
    readonly ctx: HttpContext,
    acting: Acting,
    readonly frontEnd: FrontEnd | undefined,
  ) {
    this.tenant = acting.tenant;
    this.mailbox = acting.mailbox;
    this.trustee = acting.trustee;
  }

  get own(): MailboxView {
    return this.#view(this.mailbox);
  }

  /** Another mailbox by id or address: one of this tenant's, opened with FullAccess (delegate access). */
  open(idOrAddress: string): MailboxView | EwsError {
    const user = idOrAddress.includes('@') ? this.ctx.directory.userByUpn(idOrAddress) : this.ctx.directory.userById(idOrAddress);
    if (!user || user.tenantId !== this.tenant.id) return EWS_ERRORS.nonExistentMailbox;
    if (user.id !== this.mailbox.id && !hasFullAccess(this.tenant, user, this.trustee)) return EWS_ERRORS.accessDenied;
    return this.#view(user);
  }

  #view(user: User): MailboxView {
    let view = this.#views.get(user.id);
    if (!view) this.#views.set(user.id, (view = new MailboxView(this.ctx, user)));
    return view;
  }
}
