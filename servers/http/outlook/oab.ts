// The Offline Address Book folder (`/OAB/{oab id}/oab.xml`, MS-OXWOAB): Outlook downloads the
// manifest, then the files it lists. exogate's one address list has the tenant's id as its id
// (Autodiscover hands out `/OAB/<tenant id>/`) and lists no files: Outlook then keeps using the
// online address book, which is all an emulator of the sign-in needs.
import { XMLBuilder } from 'fast-xml-parser';
import type { Request, Response } from 'express';
import type { Tenant } from '../../../core/tenants/model.js';
import { decisionOf } from '../auth/gate.js';
import { IIS_404_PAGE, IIS_405_PAGE, OAB_CONTENT_TYPE, OAL } from './replies.js';

const builder = new XMLBuilder({ ignoreAttributes: false, suppressBooleanAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: false });

function oabManifest(tenant: Tenant): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    OAB: { OAL: { '@_id': tenant.id, '@_dn': OAL.dn, '@_name': OAL.name, '#text': '' } },
  });
}

/** `/OAB/{id}/{file}`: only the tenant's manifest exists. */
export function oabHandler(req: Request, res: Response): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.status(405).setHeader('Allow', 'GET, HEAD');
    res.type('text/html').send(IIS_405_PAGE);
    return;
  }
  const tenant = decisionOf(res).tenant;
  const [, id = '', file = '', ...more] = req.path.split('/').filter(Boolean);
  if (!tenant || id.toLowerCase() !== tenant.id || file.toLowerCase() !== 'oab.xml' || more.length) {
    res.status(404).type('text/html').send(IIS_404_PAGE);
    return;
  }
  res.status(200).setHeader('Content-Type', OAB_CONTENT_TYPE);
  res.end(oabManifest(tenant));
}
