// Runs inside the Spark Thrift Server's private network namespace: accepts
// connections on a Unix socket (the file system is shared with the test
// process) and forwards each to the server's port on the namespace's own
// loopback. Spark's HTTP mode ignores hive.server2.thrift.bind.host and
// listens on every interface; in its own namespace there is only loopback.
//   node --import tsx netns-relay.ts <socket path> <port>
import { createConnection, createServer } from 'node:net';
import { rmSync } from 'node:fs';

const [socketPath, portText] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !Number.isInteger(port)) {
  process.stderr.write('usage: netns-relay.ts <socket path> <port>\n');
  process.exit(2);
}
rmSync(socketPath, { force: true });
createServer((client) => {
  const upstream = createConnection({ host: '127.0.0.1', port });
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
}).listen(socketPath);
