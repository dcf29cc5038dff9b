// TEST-ONLY loopback compatibility proxy between the @databricks/sql driver
// and an open-source Spark Thrift Server. It translates exactly the three
// protocol details in which the Databricks driver and Apache Spark differ,
// decoding and re-encoding the Thrift messages with the driver's own
// generated types and the `thrift` package the driver itself uses:
//
// 1. OpenSession request: the driver leaves `client_protocol` (field 1) at
//    its -7 placeholder and sends its version in the Databricks-only
//    `client_protocol_i64`; Spark rejects that ("Required field
//    'client_protocol' is unset"). The proxy sets `client_protocol` to
//    HIVE_CLI_SERVICE_PROTOCOL_V10 and drops the i64 field.
// 2. GetResultSetMetadata response: the driver requires `resultFormat`
//    (a Databricks extension); Spark never sets it, and always answers in
//    column-based row sets, so the proxy fills in COLUMN_BASED_SET.
// 3. The same response's column positions: Spark numbers a statement's
//    result columns from 0, the HiveServer2 protocol (and the driver, which
//    reads column `position - 1`) from 1; the proxy renumbers 0-based
//    schemas. Found by this test, not known beforehand: without it every
//    value lands in its left neighbour's column.
//
// Every other byte passes through unchanged: SQL, results, errors and the
// Authorization header are the driver's and Spark's own. TLS is real on
// both legs: the driver verifies the proxy's certificate (the server's own
// key pair), and the proxy verifies Spark's.
import { createServer, request, type Server } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { thrift as driverThrift } from '@databricks/sql';

const T = driverThrift.TCLIService_types as any;
// The very copy of `thrift` the driver loads, not whichever one is hoisted.
const thriftLib = createRequire(createRequire(import.meta.url).resolve('@databricks/sql'))('thrift');
const { TBufferedTransport, TBinaryProtocol, Thrift } = thriftLib;

export interface CompatProxyOptions {
  /** Unix socket of the Spark server's HTTPS port */
  upstreamSocket: string;
  /** the Spark server's certificate (PEM): the only CA the proxy trusts */
  upstreamCa: string;
  /** key and certificate the proxy serves (PKCS#12) */
  pfx: Buffer;
  passphrase: string;
  /** false: forward every message unchanged (shows what the translations are for) */
  translate?: boolean;
}

export interface CompatProxy {
  port: number;
  /** how often each translation was applied (tests assert the proxy did only its job) */
  translated: { openSessionProtocol: number; resultFormat: number; columnPositions: number };
  /** every Thrift call name the driver sent, in order */
  calls: string[];
  /** the SQL text of every ExecuteStatement, in order (read, never changed) */
  statements: string[];
  close(): Promise<void>;
}

export async function startCompatProxy(opts: CompatProxyOptions): Promise<CompatProxy> {
  const translated = { openSessionProtocol: 0, resultFormat: 0, columnPositions: 0 };
  const calls: string[] = [];
  const statements: string[] = [];
  const server: Server = createServer({ pfx: opts.pfx, passphrase: opts.passphrase }, async (req, res) => {
    try {
      const body = await readAll(req);
      const message = body.length ? decodeMessage(body) : null;
      if (message) calls.push(message.name);
      if (message?.name === 'ExecuteStatement') statements.push(statementOf(body));
      const translate = opts.translate ?? true;
      const outBody = message && translate ? translateRequest(message, body, translated) : body;
      const headers = { ...endToEnd(req.headers), host: 'localhost', 'content-length': String(outBody.length) };
      const up = request({
        socketPath: opts.upstreamSocket,
        path: req.url,
        method: req.method,
        headers,
        ca: opts.upstreamCa,
        servername: 'localhost',
      });
      up.on('error', (e) => fail(res, e));
      up.on('response', async (upRes) => {
        try {
          const reply = await readAll(upRes);
          const decoded = translate && reply.length && upRes.statusCode === 200 ? decodeMessage(reply) : null;
          const outReply = decoded ? translateReply(decoded, reply, translated) : reply;
          res.writeHead(upRes.statusCode ?? 502, { ...endToEnd(upRes.headers), 'content-length': String(outReply.length) });
          res.end(outReply);
        } catch (e) {
          fail(res, e);
        }
      });
      up.end(outBody);
    } catch (e) {
      fail(res, e);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    translated,
    calls,
    statements,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function fail(res: import('node:http').ServerResponse, e: unknown) {
  if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
  res.end(`hs2-compat-proxy: ${(e as Error).message}`);
}

// The body is re-framed with its own length: hop-by-hop framing headers go.
function endToEnd(headers: import('node:http').IncomingHttpHeaders) {
  const { 'transfer-encoding': _te, connection: _c, 'keep-alive': _ka, 'content-length': _cl, ...rest } = headers;
  return rest;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

interface Message {
  name: string;
  type: number;
  seqid: number;
  /** the protocol positioned at the message's argument/result struct */
  proto: any;
}

function decodeMessage(buf: Buffer): Message {
  let message: Message | undefined;
  TBufferedTransport.receiver((transport: unknown) => {
    const proto = new TBinaryProtocol(transport);
    const begin = proto.readMessageBegin();
    message = { name: begin.fname, type: begin.mtype, seqid: begin.rseqid, proto };
  })(buf);
  return message!;
}

/**
 * Reads the one struct field `fieldId` of the message's envelope into
 * `payload`; false (nothing read that matters) when the envelope holds
 * anything else, e.g. an exception.
 */
function readEnvelopeField(m: Message, fieldId: number, payload: { read(p: unknown): void }): boolean {
  const p = m.proto;
  p.readStructBegin();
  const field = p.readFieldBegin();
  if (field.ftype !== Thrift.Type.STRUCT || field.fid !== fieldId) return false;
  payload.read(p);
  p.readFieldEnd();
  if (p.readFieldBegin().ftype !== Thrift.Type.STOP) return false;
  p.readStructEnd();
  p.readMessageEnd();
  return true;
}

function encodeMessage(m: Message, fieldName: string, fieldId: number, payload: { write(p: unknown): void }): Buffer {
  let out: Buffer | undefined;
  const transport = new TBufferedTransport(undefined, (buf: Buffer) => {
    out = buf;
  });
  const p = new TBinaryProtocol(transport);
  p.writeMessageBegin(m.name, m.type, m.seqid);
  p.writeStructBegin('envelope');
  p.writeFieldBegin(fieldName, Thrift.Type.STRUCT, fieldId);
  payload.write(p);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
  transport.flush();
  return out!;
}

function statementOf(body: Buffer): string {
  const req = new T.TExecuteStatementReq();
  return readEnvelopeField(decodeMessage(body), 1, req) ? String(req.statement) : '(undecodable)';
}

function translateRequest(m: Message, original: Buffer, count: CompatProxy['translated']): Buffer {
  if (m.name !== 'OpenSession' || m.type !== Thrift.MessageType.CALL) return original;
  const req = new T.TOpenSessionReq();
  if (!readEnvelopeField(m, 1, req)) return original;
  if (req.client_protocol_i64 === null || req.client_protocol >= 0) return original;
  req.client_protocol = T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10;
  req.client_protocol_i64 = null;
  count.openSessionProtocol++;
  return encodeMessage(m, 'req', 1, req);
}

function translateReply(m: Message, original: Buffer, count: CompatProxy['translated']): Buffer {
  if (m.name !== 'GetResultSetMetadata' || m.type !== Thrift.MessageType.REPLY) return original;
  const resp = new T.TGetResultSetMetadataResp();
  if (!readEnvelopeField(m, 0, resp)) return original;
  let changed = false;
  if (resp.resultFormat === null || resp.resultFormat === undefined) {
    resp.resultFormat = T.TSparkRowSetType.COLUMN_BASED_SET;
    count.resultFormat++;
    changed = true;
  }
  const columns: Array<{ position: number }> = resp.schema?.columns ?? [];
  if (columns.length && Math.min(...columns.map((c) => c.position)) === 0) {
    for (const c of columns) c.position += 1;
    count.columnPositions++;
    changed = true;
  }
  return changed ? encodeMessage(m, 'success', 0, resp) : original;
}
