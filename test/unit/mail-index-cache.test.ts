// The folder-index cache of MailStore: what POP3's sign-in and IMAP's SELECT read instead of the
// store. Every change made through the store must show in the next read, including one that
// races a read in flight; and callers may change what they are given without changing the cache.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { openStore, type Store } from '../../core/store/open.js';
import { MailStore } from '../../core/mail/store.js';

const MESSAGE = (subject: string) => Buffer.from(`From: a@b.test\r\nTo: c@d.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`);

t.test('reads after changes see the changes', async (t) => {
  const sql = await openStore({});
  t.teardown(() => sql.close());
  const userId = await makeUser(sql);
  const mail = new MailStore(sql, 100);
  const reads = countIndexReads(sql);

  t.same((await mail.folderWithIndex(userId, 'INBOX'))!.messages, [], 'empty inbox');
  await mail.folderWithIndex(userId, 'INBOX');
  t.equal(reads.count, 1, 'the second read came from memory');

  const first = await mail.deliver(userId, MESSAGE('one'));
  const afterDeliver = (await mail.folderWithIndex(userId, 'INBOX'))!;
  t.same(afterDeliver.messages.map((m) => m.uid), [first.uid], 'a delivery shows');
  t.equal(afterDeliver.folder.uidNext, first.uid + 1, 'with the next UID');

  afterDeliver.messages[0].flags.push('\\Mutated');
  afterDeliver.messages.pop();
  t.same((await mail.folderWithIndex(userId, 'INBOX'))!.messages[0].flags, [], 'what a caller changes stays with the caller');

  await mail.setFlags(afterDeliver.folder.id, [first.uid], 'add', ['\\Seen']);
  t.same((await mail.folderWithIndex(userId, 'INBOX'))!.messages[0].flags, ['\\Seen'], 'a flag change shows');

  const drafts = (await mail.folderWithIndex(userId, 'Drafts'))!;
  await mail.copy(afterDeliver.folder.id, [first.uid], drafts.folder.id);
  t.equal((await mail.folderWithIndex(userId, 'Drafts'))!.messages.length, 1, 'a copy shows in the target');

  await mail.expunge(afterDeliver.folder.id, { uids: [first.uid], onlyDeleted: false });
  t.same((await mail.folderWithIndex(userId, 'INBOX'))!.messages, [], 'an expunge shows');

  await mail.createFolder(userId, 'Projects');
  await mail.folderWithIndex(userId, 'Projects');
  await mail.renameFolder(userId, 'Projects', 'Archive2');
  t.equal(await mail.folderWithIndex(userId, 'Projects'), undefined, 'a renamed folder is gone under its old name');
  t.ok(await mail.folderWithIndex(userId, 'Archive2'), 'and found under its new one');
  await mail.deleteFolder(userId, 'Archive2');
  t.equal(await mail.folderWithIndex(userId, 'Archive2'), undefined, 'a deleted folder is gone');
});

t.test('a read that races a delivery does not cache what it read', async (t) => {
  const sql = await openStore({});
  t.teardown(() => sql.close());
  const userId = await makeUser(sql);
  const mail = new MailStore(sql, 100);
  await mail.folderWithIndex(userId, 'INBOX');
  await mail.deliver(userId, MESSAGE('warm'));
  // Start a read, then deliver before it returns: whatever the read saw, the next read sees both.
  const racing = mail.folderWithIndex(userId, 'INBOX');
  const delivered = mail.deliver(userId, MESSAGE('racing'));
  await Promise.all([racing, delivered]);
  t.equal((await mail.folderWithIndex(userId, 'INBOX'))!.messages.length, 2);
});

t.test('the cache is bounded, and 0 turns it off', async (t) => {
  const sql = await openStore({});
  t.teardown(() => sql.close());
  const userId = await makeUser(sql);
  const reads = countIndexReads(sql);
  const small = new MailStore(sql, 2);
  for (const name of ['INBOX', 'Drafts', 'INBOX', 'Junk Email', 'Drafts']) await small.folderWithIndex(userId, name);
  t.equal(reads.count, 4, 'INBOX came from memory once; Drafts was pushed out by Junk Email and read again');
  reads.count = 0;
  const off = new MailStore(sql, 0);
  await off.folderWithIndex(userId, 'INBOX');
  await off.folderWithIndex(userId, 'INBOX');
  t.equal(reads.count, 2, 'no cache');
});

async function makeUser(sql: Store): Promise<string> {
  const tenantId = randomUUID();
  const userId = randomUUID();
  await sql.query("insert into tenants (id, name, cloud, created_at) values ($1, $2, 'public', now())", [tenantId, `t${tenantId.slice(0, 8)}`]);
  await sql.query("insert into users (id, tenant_id, upn, display_name, created_at) values ($1, $2, $3, 'U', now())", [userId, tenantId, `u@${tenantId.slice(0, 8)}.test`]);
  return userId;
}

/** Counts the store reads of a folder index (the query folderWithIndex makes). */
function countIndexReads(sql: Store): { count: number } {
  const reads = { count: 0 };
  const query = sql.query.bind(sql);
  sql.query = ((text: string, params?: unknown[]) => {
    if (/from mail_folders f\s+left join mail_messages/.test(text)) reads.count++;
    return query(text, params as never);
  }) as typeof sql.query;
  return reads;
}
