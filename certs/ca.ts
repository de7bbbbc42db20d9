// exogate's own certificate authority and the one server certificate every TLS listener uses.
// Created on first start in `<data>/certs` and reused after; the leaf names localhost, the
// loopback addresses and the real service host names (reference §1), so a user who trusts the
// CA and adds a hosts-file entry can point an unmodified client at exogate.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

/** The Exchange Online and identity host names a client may be pointed at (reference §1). */
export const SERVICE_HOST_NAMES: readonly string[] = [
  'outlook.office365.com',
  'outlook.office.com',
  'smtp.office365.com',
  'smtp-legacy.office365.com',
  'smtp-hve.office365.com',
  'smtp-mail.outlook.com',
  'imap-mail.outlook.com',
  'imap.outlook.com',
  'pop-mail.outlook.com',
  'autodiscover-s.outlook.com',
  'reports.office365.com',
  'ps.outlook.com',
  'login.microsoftonline.com',
  'login.windows.net',
  'graph.microsoft.com',
];

export const LOCAL_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const CA_YEARS = 10;
/** Browsers refuse server certificates valid for more than 398 days. */
const LEAF_DAYS = 397;
/** A leaf closer than this to expiry is re-issued at start. */
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface Certificates {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  /** Absolute path of ca.pem when the certificates live in a data folder. */
  caCertPath?: string;
}

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; privatePem: string } {
  // Node generates the RSA key natively (milliseconds); forge's pure-JS generator takes seconds.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privatePem };
}

function serial(): string {
  // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + CA_YEARS * 365 * DAY_MS);
  const subject = [
    { name: 'commonName', value: `exogate local CA ${randomBytes(3).toString('hex')}` },
    { name: 'organizationName', value: 'exogate (Exchange Online emulator, not Microsoft)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

function createLeaf(caCertPem: string, caKeyPem: string, names: readonly string[]): { certPem: string; keyPem: string } {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + LEAF_DAYS * DAY_MS);
  cert.setSubject([
    { name: 'commonName', value: 'outlook.office365.com' },
    { name: 'organizationName', value: 'exogate (Exchange Online emulator, not Microsoft)' },
  ]);
  cert.setIssuer(ca.subject.attributes);
  const altNames = names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** Does this leaf still serve: signed by the CA, not near expiry, and naming every host? */
function leafServes(certPem: string, caCertPem: string, names: readonly string[]): boolean {
  try {
    const leaf = new X509Certificate(certPem);
    if (!leaf.verify(new X509Certificate(caCertPem).publicKey)) return false;
    if (Date.parse(leaf.validTo) - Date.now() < RENEW_BEFORE_DAYS * DAY_MS) return false;
    const san = leaf.subjectAltName ?? '';
    return names.every((n) => (isIP(n) ? leaf.checkIP(n) !== undefined : san.includes(`DNS:${n}`)));
  } catch {
    return false;
  }
}

function hostNames(extra: readonly string[]): string[] {
  const wildcardFree = extra.filter((h) => h && h !== '0.0.0.0' && h !== '::');
  return [...new Set([...LOCAL_NAMES, ...SERVICE_HOST_NAMES, ...wildcardFree.map((h) => h.toLowerCase())])];
}

const memoryPairs = new Map<string, Certificates>();

/**
 * Loads the CA and server certificate from `<dataDir>/certs`, creating what is missing, or
 * makes a throw-away pair in memory when there is no data folder.
 */
export function loadOrCreateCertificates(dataDir: string | undefined, extraHostNames: readonly string[] = []): Certificates {
  const names = hostNames(extraHostNames);
  if (!dataDir) {
    // In-memory gateways in one process (a test file's) share one pair per set of names.
    const key = names.join(',');
    let pair = memoryPairs.get(key);
    if (!pair) {
      const ca = createCa();
      const leaf = createLeaf(ca.certPem, ca.keyPem, names);
      memoryPairs.set(key, (pair = { caCertPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem }));
    }
    return pair;
  }
  const dir = join(dataDir, 'certs');
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const writeKey = (name: string, pem: string) => {
    writeFileSync(file(name), pem, { mode: 0o600 });
    chmodSync(file(name), 0o600);
  };
  let caCertPem: string;
  let caKeyPem: string;
  if (existsSync(file('ca.pem')) && existsSync(file('ca-key.pem'))) {
    caCertPem = readFileSync(file('ca.pem'), 'utf8');
    caKeyPem = readFileSync(file('ca-key.pem'), 'utf8');
  } else {
    ({ certPem: caCertPem, keyPem: caKeyPem } = createCa());
    writeKey('ca-key.pem', caKeyPem);
    writeFileSync(file('ca.pem'), caCertPem);
  }
  let certPem = existsSync(file('server.pem')) ? readFileSync(file('server.pem'), 'utf8') : '';
  let keyPem = existsSync(file('server-key.pem')) ? readFileSync(file('server-key.pem'), 'utf8') : '';
  if (!certPem || !keyPem || !leafServes(certPem, caCertPem, names)) {
    ({ certPem, keyPem } = createLeaf(caCertPem, caKeyPem, names));
    writeKey('server-key.pem', keyPem);
    writeFileSync(file('server.pem'), certPem);
  }
  return { caCertPem, certPem, keyPem, caCertPath: file('ca.pem') };
}
