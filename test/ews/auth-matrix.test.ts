// EWS under every auth-core outcome (issue 4's matrix): a GetFolder of the Inbox as the probe.
// Signed in, it gets a 200 SOAP answer with NoError; every refusal is the shared HTTP reply
// table's, asserted by runAuthMatrix.
import t from 'tap';
import { runAuthMatrix } from '../helpers/http-matrix.js';
import { codes, EWS, GET_INBOX, textOf, soap } from './helpers.js';

t.test('EWS auth matrix', async (t) => {
  await runAuthMatrix(t, {
    protocol: 'ews',
    method: 'POST',
    path: EWS,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: GET_INBOX,
    expectOk(tt, res, how) {
      tt.equal(res.status, 200, `${how}: 200`);
      tt.match(res.headers['content-type'], /^text\/xml; charset=utf-8/);
      tt.same(codes(res), ['Success:NoError'], `${how}: GetFolder answers NoError`);
      tt.equal(textOf(soap(res), 'DisplayName'), 'Inbox');
    },
  });
});
