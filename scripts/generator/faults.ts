// Lines the loader must reject (docs/contract.md#input) and lines it must skip (other log
// Types). Bad lines are extra lines next to a valid one, so they never change
// which flows and activity exist: a loader that rejects exactly them loads
// everything else.
import type { Rng } from './random.ts';
import { AUTH_LOGGER, head, timestampNs } from './envelope.ts';
import { AUTH_PIDS, LOCALES, MAIL_TEMPLATES, OTHER_BROWSER_AGENTS, REQUEST_PATHS, REQUEST_STATUSES } from './pools.ts';

export type MetricKind = 'flow' | 'activity';

/** A copy of a valid metrics line broken in one of the ways docs/contract.md#input rejects. */
export function badVariant(line: string, kind: MetricKind, rng: Rng): string {
  const which = rng.int(0, 3);
  if (which === 0) {
    // Truncated write: any proper prefix of a JSON object is not JSON.
    return line.slice(0, rng.int(20, line.length - 2));
  }
  if (which === 1) return line.replace(/"event":"[^"]*",/, '');
  if (kind === 'flow') {
    if (which === 2) return line.replace(/"flow_id":"[0-9a-f]/, '"flow_id":"');
    return line.replace(/"flow_time":(\d+)/, (_m, n: string) => `"flow_time":-${Number(n) + 1}`);
  }
  if (which === 2) return line.replace(/"uid":"[0-9a-fA-F]{4}/, '"uid":"zq-x');
  return line.replace(/"uid":"[0-9a-fA-F]{32}"/, '"uid":"not-a-uid"');
}

const NOISE_TYPES = [
  'request.summary',
  'request.summary',
  'request.summary',
  'request.summary',
  'request.summary',
  'mailer.send',
  'error',
] as const;
const MAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'web.de', 'gmx.de', 'mail.ru', 'orange.fr', 'other'];

/** A log line of a Type the loader skips, logged at timeMs by the auth server. */
export function noiseLine(timeMs: number, rng: Rng): string {
  const ts = timestampNs(timeMs, rng);
  const pid = rng.pick(AUTH_PIDS);
  const type = rng.pick(NOISE_TYPES);
  if (type === 'request.summary') {
    const [method, path] = rng.pick(REQUEST_PATHS);
    const [status, errno] = REQUEST_STATUSES.pick(rng);
    const ip = `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    return `{"Timestamp":${ts}${head(AUTH_LOGGER, type, pid, 'agent')}"${rng.pick(OTHER_BROWSER_AGENTS)}","errno":${errno},"lang":"${LOCALES.pick(rng)}","method":"${method}","path":"${path}","remoteAddressChain":["${ip}","127.0.0.1"],"status":${status},"t":${rng.int(3, 900)}}}`;
  }
  if (type === 'mailer.send') {
    return `{"Timestamp":${ts}${head(AUTH_LOGGER, type, pid, 'template')}"${rng.pick(MAIL_TEMPLATES)}","domain":"${rng.pick(MAIL_DOMAINS)}","messageId":"${rng.hex(16)}@mozilla.com"}}`;
  }
  return `{"Timestamp":${ts}${head(AUTH_LOGGER, type, pid, 'op', 3)}"server.onPreResponse","message":"Incorrect password","errno":103,"code":400}}`;
}
