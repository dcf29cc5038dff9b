// The uid HMAC key (spec §2): from --hmac-key-file, else FXA_UID_HMAC_KEY.
import { readFileSync } from 'node:fs';
import { usageError } from '../lib/errors.ts';

export const HMAC_KEY_ENV = 'FXA_UID_HMAC_KEY';

/** The key as a string; a key file's trailing newline is not part of the key. */
export function resolveHmacKey(opts: { keyFile?: string; env?: NodeJS.ProcessEnv }): string {
  if (opts.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.keyFile, 'utf8');
    } catch (e) {
      throw usageError(`cannot read HMAC key file ${opts.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const key = text.replace(/\r?\n$/, '');
    if (!key) throw usageError(`HMAC key file ${opts.keyFile} is empty`);
    return key;
  }
  const key = (opts.env ?? process.env)[HMAC_KEY_ENV];
  if (!key) throw usageError(`no uid HMAC key: set ${HMAC_KEY_ENV} or pass --hmac-key-file`);
  return key;
}
