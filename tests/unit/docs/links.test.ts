// Every relative link in a Markdown file, and every path to a project file
// named in docs or code (comments included), points at a file that exists,
// and at a heading that exists when it names an anchor (as GitHub renders
// heading anchors). Old citations of the contract by section number are
// reported too: the contract is docs/contract.md, cited by anchor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { projectRoot } from '../../../scripts/setup/python-env.ts';

/** Tracked and new (not ignored) files: what a clone will hold. */
function projectFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: projectRoot, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => f && existsSync(join(projectRoot, f)))
    .filter((f) => !/^(seeds|bench\/results|tests\/fixtures)\//.test(f) && !f.endsWith('package-lock.json'));
}

const TEXT = /\.(md|ts|mjs|js|sql|ya?ml|py|txt|sh|json)$|^(Dockerfile|\.sqlfluff|\.ci\/run)$/;
// The top-level folders a project path starts with.
const ROOTS = ['bench', 'bin', 'docs', 'macros', 'models', 'schemas', 'scripts', 'seeds', 'tests'];

/** A heading's anchor as GitHub renders it (before duplicate suffixes). */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = githubSlug(h[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(a[1]);
  }
  return anchors;
}

interface Broken {
  where: string;
  target: string;
  why: string;
}

const SECTION_SIGN = '\u00a7';
const OLD_CITATION = new RegExp(`\\bspec ${SECTION_SIGN}\\s*\\d`, 'i');

function check(files: string[]): Broken[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(join(projectRoot, file), 'utf8')));
    return anchorCache.get(file)!;
  };
  const broken: Broken[] = [];
  /** Resolves a target (relative to the file, or to the project root for a project path). */
  const resolveTarget = (from: string, path: string, rootRelative: boolean): string | null => {
    const candidates = [normalize(join(dirname(from), path))];
    if (rootRelative) candidates.push(normalize(path));
    return candidates.find((c) => !c.startsWith('..') && existsSync(join(projectRoot, c))) ?? null;
  };
  const checkTarget = (file: string, lineNo: number, raw: string, rootRelative: boolean) => {
    const [path, anchor] = raw.split('#', 2);
    const where = `${file}:${lineNo}`;
    const target = path === '' ? file : resolveTarget(file, path.replace(/\/$/, ''), rootRelative);
    if (target === null) return broken.push({ where, target: raw, why: 'no such file' });
    if (anchor === undefined || !target.endsWith('.md') || statSync(join(projectRoot, target)).isDirectory()) return;
    if (!anchors(target).has(anchor)) broken.push({ where, target: raw, why: `no heading #${anchor} in ${target}` });
  };
  const projectPath = new RegExp(
    `(?<![\\w./<>*{$-])((?:${ROOTS.join('|')})/[\\w./-]*[\\w-]\\.(?:md|ts|mjs|js|sql|ya?ml|py|json|csv|txt)(?:#[\\w-]+)?)(?![\\w/*<])`,
    'g',
  );
  for (const file of files) {
    if (!TEXT.test(file) || file === 'tests/unit/docs/links.test.ts') continue;
    const lines = readFileSync(join(projectRoot, file), 'utf8').split('\n');
    let fenced = false;
    lines.forEach((line, i) => {
      const lineNo = i + 1;
      if (OLD_CITATION.test(line))
        broken.push({
          where: `${file}:${lineNo}`,
          target: line.match(OLD_CITATION)![0],
          why: 'cites the contract by section number: cite docs/contract.md#<section>',
        });
      if (file.endsWith('.md')) {
        if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
        if (!fenced) {
          for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|^\s*\[[^\]]+\]:\s*(\S+)/g)) {
            const target = m[1] ?? m[2];
            if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
            checkTarget(file, lineNo, decodeURI(target), false);
          }
        }
      }
      for (const m of line.matchAll(projectPath)) checkTarget(file, lineNo, m[1], true);
    });
  }
  return broken;
}

test('links and project paths in docs and code point at files and headings that exist', () => {
  const broken = check(projectFiles());
  assert.deepEqual(
    broken.map((b) => `${b.where}: ${b.target} (${b.why})`),
    [],
  );
});

test('the link check sees a broken file, a broken anchor and an old citation, and passes good ones', () => {
  const slugs = anchorsOf('# A `b` [c](d.md)\n## Same\n## Same\n```\n# not a heading\n```\n<a id="x"></a>\n');
  assert.deepEqual([...slugs].sort(), ['a-b-c', 'same', 'same-1', 'x']);
  assert.equal(githubSlug('Errors in abandoned flows (`kpi_flow_errors_daily`)'), 'errors-in-abandoned-flows-kpi_flow_errors_daily');
  assert.equal(githubSlug('1. Input: auth-server / content-server log lines'), '1-input-auth-server--content-server-log-lines');
});

test('the link check reports each kind of broken reference by file and line', () => {
  const dir = 'test-artifacts/links';
  const abs = join(projectRoot, dir);
  mkdirSync(abs, { recursive: true });
  const md = `${dir}/page.md`;
  const code = `${dir}/code.ts`;
  const write = (f: string, text: string) => writeFileSync(join(projectRoot, f), text);
  write(
    md,
    [
      '# Page',
      '',
      '[ok](page.md#page) [ok too](#page) [gone](missing.md)',
      '[bad anchor](page.md#nope)',
      '',
      '```',
      '[in a fence](missing.md)',
      '```',
      `see spec ${SECTION_SIGN}3`,
    ].join('\n'),
  );
  write(
    code,
    [
      '// docs/contract.md#input is fine',
      '// docs/contract.md#no-such-section is not',
      '// docs/nope.md neither',
      "const p = 'runs/pending-days.json'; // a data-dir path, not a project file",
    ].join('\n'),
  );
  try {
    const broken = check([md, code]).map((b) => `${relative(dir, b.where.split(':')[0])}:${b.where.split(':')[1]} ${b.target}`);
    assert.deepEqual(broken, [
      'page.md:3 missing.md',
      'page.md:4 page.md#nope',
      `page.md:9 spec ${SECTION_SIGN}3`,
      'code.ts:2 docs/contract.md#no-such-section',
      'code.ts:3 docs/nope.md',
    ]);
  } finally {
    rmSync(abs, { recursive: true, force: true });
  }
});
