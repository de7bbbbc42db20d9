// A raw POP3 client over net/tls for byte-exact tests: it reads single lines and multi-line
// answers (up to the "." line), sends lines as given, and upgrades with STLS trusting the
// gateway's CA. Plus the seed additions the POP3 tests need on top of BASE_SEED.
import type { Gateway } from '../../index.js';
import { token } from '../helpers/https.js';
import { WireSocket, type OpenOptions } from '../helpers/wire-socket.js';

export class Pop3Wire extends WireSocket {
  static async open(port: number, options: OpenOptions = {}): Promise<Pop3Wire> {
    return new Pop3Wire(await WireSocket.connect(port, options));
  }

  /** The next line, without its CRLF. */
  line(timeoutMs = 10_000): Promise<string> {
    return this.until(() => this.takeLine(), timeoutMs);
  }

  /** The lines of a multi-line answer after its first line, as sent (still dot-stuffed), without the final ".". */
  lines(timeoutMs = 10_000): Promise<string[]> {
    return this.until(() => {
      const end = this.buffer.startsWith('.\r\n') ? 0 : this.buffer.indexOf('\r\n.\r\n');
      if (end < 0) return undefined;
      const block = end === 0 ? '' : this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end === 0 ? 3 : end + 5);
      return block === '' ? [] : block.split('\r\n');
    }, timeoutMs);
  }

  /** The raw bytes of a multi-line answer after its first line, through the terminating ".\r\n". */
  raw(timeoutMs = 10_000): Promise<string> {
    return this.until(() => {
      const end = this.buffer.startsWith('.\r\n') ? 0 : this.buffer.indexOf('\r\n.\r\n');
      if (end < 0) return undefined;
      const cut = end === 0 ? 3 : end + 5;
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut);
      return block;
    }, timeoutMs);
  }



  async command(line: string): Promise<string> {
    this.send(line);
    return this.line();
  }

  /** A command with a multi-line answer: its first line and the lines after it. */
  async multi(line: string): Promise<{ first: string; lines: string[] }> {
    this.send(line);
    const first = await this.line();
    return { first, lines: first.startsWith('+OK') ? await this.lines() : [] };
  }

  stls(ca: string): Promise<void> {
    return this.upgrade(ca);
  }
}

/** Connects to the implicit-TLS port and reads the greeting. */
export async function openTls(gw: Gateway): Promise<Pop3Wire> {
  const wire = await Pop3Wire.open(gw.ports.pop3s, { tls: true, ca: gw.caCert });
  const greeting = await wire.line();
  if (!greeting.startsWith('+OK ')) throw new Error(`unexpected greeting ${greeting}`);
  return wire;
}

/** USER/PASS on the TLS port; returns the session and PASS's line. */
export async function userPass(gw: Gateway, user: string, pass: string): Promise<{ wire: Pop3Wire; reply: string }> {
  const wire = await openTls(gw);
  const ok = await wire.command(`USER ${user}`);
  if (ok !== '+OK') throw new Error(`USER answered ${ok}`);
  return { wire, reply: await wire.command(`PASS ${pass}`) };
}

/** A session in TRANSACTION for a user whose password works. */
export async function signedIn(gw: Gateway, user = 'alice@contoso.com', pass = 'Alice-Passw0rd!'): Promise<Pop3Wire> {
  const { wire, reply } = await userPass(gw, user, pass);
  if (reply !== '+OK User successfully logged on.') throw new Error(`PASS answered ${reply}`);
  return wire;
}

/**
 * Signs in as soon as the server has noticed that an earlier session of the mailbox is gone
 * (a dropped connection frees the maildrop lock when the server sees the close): polls, with
 * no timing assertion.
 */
export async function signInWhenFree(gw: Gateway, user: string, pass: string): Promise<Pop3Wire> {
  for (let i = 0; ; i++) {
    const { wire, reply } = await userPass(gw, user, pass);
    if (reply === '+OK User successfully logged on.') return wire;
    wire.end();
    if (reply !== '-ERR The mailbox is in use by another POP3 session.' || i > 200) throw new Error(`PASS answered ${reply}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
export const plain = (user: string, pass: string) => b64(`\0${user}\0${pass}`);

/** Classic front end: any date before the 2026 one (reference §2.1, core/eras.ts). */
export const CLASSIC_CLOCK = '2024-03-01T00:00:00Z';

export const POP_APP = '00000000-0000-0000-0000-0000000000c1';
export const POP_PUBLIC_CLIENT = '00000000-0000-0000-0000-0000000000c2';

/**
 * What BASE_SEED lacks for POP3: a mailbox with POP off (Set-CASMailbox -PopEnabled $false), an
 * app with POP.AccessAsApp and FullAccess to Alice's mailbox, a public client with the POP scope,
 * and Litware's Microsoft-side block extended to POP.
 */
export const POP_SEED = {
  tenants: [
    {
      name: 'contoso',
      users: [{ upn: 'pat@contoso.com', password: 'Pat-Passw0rd!', casMailbox: { pop: false } }],
      apps: [
        {
          clientId: POP_APP,
          objectId: '00000000-0000-0000-0000-0000000000d1',
          displayName: 'POP App',
          secret: 'pop-secret',
          application: ['POP.AccessAsApp'],
          servicePrincipal: true,
          mailboxPermissions: [{ mailbox: 'alice@contoso.com', rights: 'FullAccess' }],
        },
        { clientId: POP_PUBLIC_CLIENT, displayName: 'POP Public Client', delegated: ['POP.AccessAsUser.All', 'SMTP.Send'] },
      ],
    },
    { name: 'litware', basicAuthBlockedApps: ['smtp', 'imap', 'pop'] },
  ],
};

export const popAppToken = (gw: Gateway, scope = 'https://outlook.office365.com/.default') =>
  token(gw, 'contoso.com', { grant_type: 'client_credentials', client_id: POP_APP, client_secret: 'pop-secret', scope });

export const popUserToken = (gw: Gateway, username: string, password: string, scope = 'https://outlook.office.com/POP.AccessAsUser.All') =>
  token(gw, 'common', { grant_type: 'password', client_id: POP_PUBLIC_CLIENT, username, password, scope });
