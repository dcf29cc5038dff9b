// The uid HMAC key (docs/contract.md#privacy): from --hmac-key-file, else FXA_UID_HMAC_KEY.
// A data dir is bound to the key it was first loaded with: uids HMACed with
// two keys never match, so a second key would silently break every count
// across days. The binding is a fingerprint that reveals nothing about the
// key (an HMAC of a fixed label, never the key or a plain hash of it).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usageError } from '../lib/errors.ts';
import { layout } from '../lib/paths.ts';
import { writeFileAtomic } from '../lib/write-file.ts';

export const HMAC_KEY_ENV = 'FXA_UID_HMAC_KEY';

/** Key material is a secret, not a word: shorter keys are refused. */
export const MIN_KEY_BYTES = 16;

/** The key as a string; a key file's trailing newline is not part of the key. */
export function resolveHmacKey(opts: { keyFile?: string; env?: NodeJS.ProcessEnv }): string {
  let key: string | undefined;
  let from: string;
  if (opts.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.keyFile, 'utf8');
    } catch (e) {
      throw usageError(`cannot read HMAC key file ${opts.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    key = text.replace(/\r?\n$/, '');
    if (!key) throw usageError(`HMAC key file ${opts.keyFile} is empty`);
    from = `HMAC key file ${opts.keyFile}`;
  } else {
    key = (opts.env ?? process.env)[HMAC_KEY_ENV];
    if (!key) throw usageError(`no uid HMAC key: set ${HMAC_KEY_ENV} or pass --hmac-key-file`);
    from = HMAC_KEY_ENV;
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes < MIN_KEY_BYTES) {
    throw usageError(
      `the uid HMAC key in ${from} is ${bytes} bytes; use at least ${MIN_KEY_BYTES} random bytes (e.g. openssl rand -hex 32)`,
    );
  }
  return key;
}

const FINGERPRINT_LABEL = 'fxa-metrics data dir key fingerprint v1';

/** HMAC-SHA256(key, fixed label), hex: equal for equal keys, and says nothing about the key. */
export function keyFingerprint(key: string): string {
  return createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex');
}

function storedFingerprint(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw usageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Refuses (exit 2) a key other than the one the data dir was loaded with.
 * Reads only, so it runs before the lock is taken or anything is written.
 */
export function checkDataDirKey(dataDir: string, key: string): void {
  const path = layout(dataDir).keyFingerprint;
  const stored = storedFingerprint(path);
  if (stored !== null && stored !== keyFingerprint(key)) {
    throw usageError(
      `the uid HMAC key is not the one data dir ${dataDir} was loaded with (${path}): ` +
        'run with that key, or use a new data dir for a new key (README: "Changing the HMAC key")',
    );
  }
}

/** Under the data dir's lock, before a load: checks the key, and binds a data dir not bound yet. */
export function bindDataDirKey(dataDir: string, key: string): void {
  checkDataDirKey(dataDir, key);
  const path = layout(dataDir).keyFingerprint;
  if (storedFingerprint(path) === null) writeFileAtomic(path, keyFingerprint(key) + '\n');
}
