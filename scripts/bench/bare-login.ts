// The bare IMAP/POP3 sign-in server: the ceiling for any Node implementation of the login
// benchmarks. It does what a sign-in session needs and nothing else (no framework, no parser
// beyond splitting lines, one password compared for every user), so the difference between it
// and exogate is what exogate's protocol handling and sign-in decisions cost.
//
//   node dist/scripts/bench/bare-login.js <keyfile> <certfile> <password>
//
// Prints `READY {"imap":p,"imaps":p,"pop3":p,"pop3s":p}` and runs until SIGTERM.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const [keyFile, certFile, password] = process.argv.slice(2);
if (!keyFile || !certFile || password === undefined) {
  console.error('usage: bare-login <keyfile> <certfile> <password>');
  process.exit(2);
}
const tlsOptions = { key: readFileSync(keyFile), cert: readFileSync(certFile), minVersion: 'TLSv1.2' as const };

/** Calls `onLine` for each line received (CRLF or LF), in order. */
function lines(socket: Socket, onLine: (line: string) => void): void {
  let buffer = '';
  socket.setEncoding('latin1');
  socket.setNoDelay(true);
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  });
  // A client that resets mid-session is not the server's problem.
  socket.on('error', () => socket.destroy());
}

/** The next IMAP astring from `s` at `i`: an atom, or a quoted string with \" and \\ escapes. */
function astring(s: string, i: number): { value: string; end: number } | undefined {
  while (s[i] === ' ') i++;
  if (i >= s.length) return undefined;
  if (s[i] !== '"') {
    const end = s.indexOf(' ', i);
    return end < 0 ? { value: s.slice(i), end: s.length } : { value: s.slice(i, end), end };
  }
  let value = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '"') return { value, end: j + 1 };
    value += c === '\\' ? s[++j] ?? '' : c;
  }
  return undefined;
}

function imap(socket: Socket): void {
  socket.write('* OK bare ready\r\n');
  lines(socket, (line) => {
    const sp1 = line.indexOf(' ');
    const tag = sp1 < 0 ? line : line.slice(0, sp1);
    const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    const command = (sp1 < 0 ? '' : sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2)).toUpperCase();
    if (command === 'LOGIN') {
      const user = astring(line, sp2);
      const pass = user && astring(line, user.end);
      socket.write(pass && pass.value === password ? `${tag} OK LOGIN completed.\r\n` : `${tag} NO LOGIN failed.\r\n`);
    } else if (command === 'LOGOUT') {
      socket.end(`* BYE\r\n${tag} OK LOGOUT completed.\r\n`);
    } else {
      socket.write(`${tag} BAD\r\n`);
    }
  });
}

function pop3(socket: Socket): void {
  socket.write('+OK bare ready\r\n');
  lines(socket, (line) => {
    const sp = line.indexOf(' ');
    const command = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    if (command === 'USER') socket.write('+OK\r\n');
    else if (command === 'PASS') socket.write(sp >= 0 && line.slice(sp + 1) === password ? '+OK\r\n' : '-ERR Logon failure\r\n');
    else if (command === 'QUIT') socket.end('+OK\r\n');
    else socket.write('-ERR\r\n');
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

async function main(): Promise<void> {
  const servers = {
    imap: createServer(imap),
    imaps: createTlsServer(tlsOptions, imap),
    pop3: createServer(pop3),
    pop3s: createTlsServer(tlsOptions, pop3),
  };
  // A handshake a client abandons must not take the process down.
  servers.imaps.on('tlsClientError', () => undefined);
  servers.pop3s.on('tlsClientError', () => undefined);
  const ports = {
    imap: await listen(servers.imap),
    imaps: await listen(servers.imaps),
    pop3: await listen(servers.pop3),
    pop3s: await listen(servers.pop3s),
  };
  console.log(`READY ${JSON.stringify(ports)}`);
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
