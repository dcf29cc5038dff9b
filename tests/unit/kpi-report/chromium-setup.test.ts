import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from '../../../scripts/setup/chromium.ts';

test('ensureChromium: an installed browser is used as it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fxa-chromium-setup-'));
  try {
    const fake = join(dir, 'chromium');
    writeFileSync(fake, '');
    assert.equal(ensureChromium(fake, { asRoot: false }), fake);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ensureChromium: missing and not root, one line saying how to install it', () => {
  assert.throws(
    () => ensureChromium('/nonexistent/chromium', { asRoot: false }),
    (e: Error) =>
      /^\/nonexistent\/chromium is missing: install Debian's Chromium with `sudo apt-get install -y --no-install-recommends chromium`$/.test(
        e.message,
      ),
  );
});
