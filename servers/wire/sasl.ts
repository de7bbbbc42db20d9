// SASL payloads every line protocol reads the same way (SMTP AUTH, IMAP AUTHENTICATE, POP3 AUTH).

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64 (a client line); undefined when it is not base64 at all. */
export function decodeBase64(line: string): string | undefined {
  const text = line.trim();
  if (!text || text.length % 4 === 1 || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}

/** XOAUTH2: `user=<mailbox>^Aauth=Bearer <token>^A^A` (reference §8.3). */
export function parseXoauth2(decoded: string): { username: string; token: string } | undefined {
  let username: string | undefined;
  let token: string | undefined;
  for (const field of decoded.split('\x01')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).toLowerCase();
    const value = field.slice(eq + 1);
    if (key === 'user') username = value.trim();
    else if (key === 'auth') {
      const m = /^bearer\s+(\S+)\s*$/i.exec(value);
      if (m) token = m[1];
    }
  }
  return token === undefined ? undefined : { username: username ?? '', token };
}

/** OAUTHBEARER (RFC 7628): `n,a=<user>,^Aauth=Bearer <token>^A^A`. */
export function parseOauthbearer(decoded: string): { username: string; token: string } | undefined {
  const user = /^[^,]*,a=([^,]*),/.exec(decoded)?.[1]?.replace(/=2C/g, ',').replace(/=3D/g, '=') ?? '';
  const token = /\x01auth=Bearer ([^\x01]+)\x01/i.exec(decoded)?.[1];
  return token === undefined ? undefined : { username: user, token };
}

/** PLAIN (RFC 4616): authzid NUL authcid NUL password; clients putting the user in authzid are common. */
export function parsePlain(decoded: string): { username: string; secret: string } | undefined {
  const parts = decoded.split('\x00');
  if (parts.length !== 3) return undefined;
  return { username: parts[1] || parts[0], secret: parts[2] };
}
