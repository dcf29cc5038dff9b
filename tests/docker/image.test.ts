// The dbt image keeps no trace of the CA bundle pip was given at build time
// (a BuildKit secret, mounted for one RUN step): not in its history, not as a
// file in any layer (read in place in the engine's overlay2 dirs). Run by
// `npm run test:docker` after the image is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../integration/nightly-helpers.ts';
import { dockerImageConfig, dockerImageTag } from '../../scripts/lib/dbt-docker.ts';

const sh = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every path under dir, relative to it, never following a symlink (a layer holds dev/fd -> /proc/self/fd). */
function* walk(dir: string, prefix = ''): Generator<string> {
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    yield rel;
    if (e.isDirectory()) yield* walk(dir, rel);
  }
}

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

  // The layers as the engine keeps them (overlay2 dirs: the engine is local), read in place.
  const graph = JSON.parse(sh('docker', 'image', 'inspect', '--format', '{{json .GraphDriver}}', image).stdout) as {
    Name: string;
    Data: { UpperDir: string; LowerDir?: string };
  };
  assert.equal(graph.Name, 'overlay2');
  const layers = [graph.Data.UpperDir, ...(graph.Data.LowerDir ?? '').split(':').filter(Boolean)];
  assert.ok(layers.length >= 3, `the base, the requirements and the pip layers, found ${layers.length}`);
  let files = 0;
  for (const layer of layers) {
    for (const rel of walk(layer)) {
      files++;
      // (the empty mount point run/secrets may stay; nothing in it)
      assert.doesNotMatch(rel, /(^|\/)run\/secrets\/./, `${rel} in a layer`);
      const st = lstatSync(join(layer, rel));
      if (st.isFile() && st.size === bundle.length)
        assert.notEqual(sha256(readFileSync(join(layer, rel))), bundleHash, `${rel} is the CA bundle`);
    }
  }
  assert.ok(files > 1000, `the layers were read (${files} entries)`);
});
