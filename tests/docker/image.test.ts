// The dbt image keeps no trace of the CA bundle pip was given at build time
// (a BuildKit secret, mounted for one RUN step): not in its history, not as a
// file in any layer. Run by `npm run test:docker` after the image is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, tempDir } from '../integration/nightly-helpers.ts';
import { dockerImageConfig, dockerImageTag } from '../../scripts/lib/dbt-docker.ts';

const sh = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('no layer of the dbt image holds the CA bundle, and its history does not name it', (t) => {
  const config = dockerImageConfig();
  if (!config.caBundle) return t.skip('no CA bundle configured (FXA_DOCKER_CA_BUNDLE or PIP_CERT): nothing to look for');
  const image = dockerImageTag(projectRoot, config.baseImage);
  const bundle = readFileSync(config.caBundle);
  const bundleHash = sha256(bundle);

  const history = sh('docker', 'history', '--no-trunc', '--format', '{{.CreatedBy}}', image);
  assert.equal(history.status, 0, history.stderr);
  assert.match(history.stdout, /PIP_CERT=\/run\/secrets\/pip_ca.*pip install/, 'the pip step read the secret');
  assert.ok(!history.stdout.includes(config.caBundle), 'the bundle path is in the history');
  assert.ok(!history.stdout.includes('BEGIN CERTIFICATE'));
  const inspect = sh('docker', 'image', 'inspect', image);
  assert.ok(!inspect.stdout.includes(config.caBundle) && !inspect.stdout.includes('BEGIN CERTIFICATE'));

  const { dir, cleanup } = tempDir('image-layers');
  try {
    const save = spawnSync('sh', ['-c', 'docker save "$1" | tar -x -C "$2"', 'save', image, dir], { encoding: 'utf8' });
    assert.equal(save.status, 0, save.stderr);
    const layers = readdirSync(dir, { recursive: true })
      .map((p) => join(dir, String(p)))
      .filter((p) => statSync(p).isFile() && sh('tar', '-tf', p).status === 0 && !p.endsWith('.json'));
    assert.ok(layers.length >= 2, `the base and the pip layers, found ${layers.length}`);
    let files = 0;
    for (const layer of layers) {
      const list = sh('tar', '-tvf', layer).stdout.split('\n').filter(Boolean);
      files += list.length;
      for (const line of list) {
        const [mode, , size] = line.split(/\s+/);
        const path = line.split(/\s+/).slice(5).join(' ');
        // (the empty mount point run/secrets/ may stay; nothing in it)
        assert.doesNotMatch(path, /(^|\/)run\/secrets\/./, `${path} in a layer`);
        // a regular file as big as the bundle: compare its bytes
        if (mode.startsWith('-') && Number(size) === bundle.length) {
          const body = spawnSync('tar', ['-xOf', layer, path], { maxBuffer: bundle.length + 1024 }).stdout;
          assert.notEqual(sha256(body), bundleHash, `${path} is the CA bundle`);
        }
      }
    }
    assert.ok(files > 1000, `the layers were read (${files} entries)`);
  } finally {
    cleanup();
  }
});
