// docs/contract.md#privacy: a uid is stored only as lower_hex(HMAC-SHA256(key, lower(uid))).
// Everything that may hold a uid passes through here before it leaves memory.
import { createHmac } from 'node:crypto';

export function hmacUid(key: string, uid: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(uid.toLowerCase(), 'utf8').digest('hex');
}

/** hmacUid with a bounded cache: the same users come back thousands of times a day. */
export function makeUidHasher(key: string, maxEntries = 200_000): (uid: string) => string {
  const cache = new Map<string, string>();
  return (uid: string) => {
    let h = cache.get(uid);
    if (h === undefined) {
      if (cache.size >= maxEntries) cache.clear();
      h = hmacUid(key, uid);
      cache.set(uid, h);
    }
    return h;
  };
}

// A "standalone" run of exactly 32 hex characters: what a uid looks like
// inside text we cannot parse. Longer runs (flow ids, HMACs) are left alone.
const UID_LIKE = /(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])/g;

/** Replaces every uid-like run in free text by its HMAC (device ids too: better safe). */
export function scrubUidLikeRuns(text: string, hash: (uid: string) => string): string {
  return text.replace(UID_LIKE, (m) => hash(m));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text of a rejected line as it may be written to the quarantine. When
 * the line is JSON with a string Fields.uid, that value is replaced by its
 * HMAC: in the text itself where it appears as `"uid": "<value>"` (so every
 * other byte, e.g. a 19-digit Timestamp, stays as it was), otherwise by
 * re-serialising the parsed line. Then every uid-like run left in the text is
 * HMACed as well.
 */
export function scrubRejectedLine(text: string, parsed: unknown, hash: (uid: string) => string): string {
  let out = text;
  const fields = (parsed as { Fields?: unknown } | null | undefined)?.Fields;
  if (fields && typeof fields === 'object' && !Array.isArray(fields)) {
    const f = fields as Record<string, unknown>;
    if (typeof f.uid === 'string') {
      const hashed = hash(f.uid);
      const inText = new RegExp(`("uid"\\s*:\\s*)${escapeRegExp(JSON.stringify(f.uid))}`, 'g');
      const replaced = out.replace(inText, (_m, key: string) => `${key}"${hashed}"`);
      out = replaced !== out ? replaced : JSON.stringify({ ...(parsed as object), Fields: { ...f, uid: hashed } });
    }
  }
  return scrubUidLikeRuns(out, hash);
}
