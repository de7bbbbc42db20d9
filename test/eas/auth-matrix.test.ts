// The auth matrix for ActiveSync (issue 4): every sign-in outcome on OPTIONS (what a phone sends
// first) and on a FolderSync POST, against the one HTTP reply table.
import t from 'tap';
import { runAuthMatrix } from '../helpers/http-matrix.js';
import { PROTOCOL_COMMANDS } from '../../servers/http/eas/replies.js';
import { decode } from '../../servers/http/eas/wbxml/codec.js';
import { el } from '../../servers/http/eas/wbxml/tree.js';
import { encode } from '../../servers/http/eas/wbxml/codec.js';

t.test('OPTIONS /Microsoft-Server-ActiveSync', (t) =>
  runAuthMatrix(t, {
    protocol: 'eas',
    method: 'OPTIONS',
    path: '/Microsoft-Server-ActiveSync',
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.match(res.headers['ms-asprotocolversions'], /(^|,)16\.1$/);
      t.equal(res.headers['ms-asprotocolcommands'], PROTOCOL_COMMANDS.join(','));
      t.match(res.headers['ms-server-activesync'], /^15\.\d+$/);
      t.equal(res.headers['www-authenticate'], undefined);
    },
  }),
);

t.test('POST Cmd=FolderSync', (t) =>
  runAuthMatrix(t, {
    protocol: 'eas',
    method: 'POST',
    path: (upn) => `/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=${encodeURIComponent(upn)}&DeviceId=matrixdevice01&DeviceType=SmartPhone`,
    headers: { 'ms-asprotocolversion': '16.1', 'content-type': 'application/vnd.ms-sync.wbxml' },
    body: encode(el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0'))),
    expectOk(t, res) {
      t.equal(res.status, 200);
      t.equal(res.headers['content-type'], 'application/vnd.ms-sync.wbxml');
      // The helper reads bodies as UTF-8; this one is pure ASCII WBXML, so the bytes survive.
      t.same(decode(Buffer.from(res.text, 'utf8')), el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'Status', '142')), 'signed in; not yet provisioned');
    },
  }),
);
