// Exchange Online leaks the names of its servers everywhere: the SMTP banner and error
// brackets, the IMAP/POP greeting (base64 UTF-16LE), X-FEServer/X-BEServer headers (reference
// §10.7). A gateway gets a small pool of plausible names, fixed for its life, and each
// connection picks one, as a client behind Exchange Online's load balancers would see.
import { randomInt } from 'node:crypto';
import { randomHex } from './ids.js';

export interface FrontEnd {
  /** e.g. BL1P221CA0016 */
  name: string;
  /** e.g. BL1P221CA0016.outlook.office365.com (SMTP banner) */
  bannerFqdn: string;
  /** e.g. BL1P221CA0016.namprd22.prod.outlook.com (error brackets, IMAP greeting) */
  fqdn: string;
  /** A mailbox server behind it, e.g. SN6PR04MB4521.namprd04.prod.outlook.com */
  backend: string;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const GEOS = ['nam', 'eur', 'apc', 'gbr', 'aus', 'ind'];

const letter = () => LETTERS[randomInt(LETTERS.length)];
const digits = (n: number) => String(randomInt(10 ** n)).padStart(n, '0');

function makeFrontEnd(): FrontEnd {
  const geo = GEOS[randomInt(GEOS.length)];
  const pod = digits(2);
  const site = `${letter()}${letter()}${1 + randomInt(9)}`;
  // Both shapes occur: BL1P221CA0016 and BN9PR03CA0451 (reference §10.7).
  const name = randomInt(2) ? `${site}P${digits(3)}CA${digits(4)}` : `${site}PR${pod}CA${digits(4)}`;
  const backendName = `${letter()}${letter()}${1 + randomInt(9)}PR${pod}MB${digits(4)}`;
  return {
    name,
    bannerFqdn: `${name}.outlook.office365.com`,
    fqdn: `${name}.${geo}prd${pod}.prod.outlook.com`,
    backend: `${backendName}.${geo}prd${pod}.prod.outlook.com`,
  };
}

export class FrontEnds {
  readonly pool: readonly FrontEnd[];
  #next = 0;

  constructor(size = 8) {
    this.pool = Array.from({ length: size }, makeFrontEnd);
  }

  pick(): FrontEnd {
    const fe = this.pool[this.#next];
    this.#next = (this.#next + 1) % this.pool.length;
    return fe;
  }
}

/** A 16-hex-digit upper-case id, as in `[HOST 2025-01-26T18:54:30.055Z 08DD3DD7D75D7743]`. */
export function hexId(): string {
  return randomHex(8).toUpperCase();
}
