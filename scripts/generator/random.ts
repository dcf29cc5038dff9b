// Seeded randomness for the log generator. Output must be byte-identical for
// a seed, so nothing here reads Math.random or the clock.

/** 32-bit integer hash (a bijection on 32 bits), used to derive seeds. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/**
 * sfc32: 128 bits of state, so that the many per-user streams a large run
 * creates do not overlap (a 32-bit generator would repeat ids across users).
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(...keys: number[]) {
    this.reseed(...keys);
  }

  /** Restarts the stream from keys; different key tuples give unrelated streams. */
  reseed(...keys: number[]): void {
    let h = 0x9e3779b9;
    let a = 0x243f6a88;
    let b = 0x85a308d3;
    let c = 0x13198a2e;
    for (const k of keys) {
      h = mix32((h + (k >>> 0)) >>> 0);
      // Every key reaches each state word, so tuples differing in any key start apart.
      a = mix32(a ^ h);
      b = mix32(((b + h) >>> 0) ^ 0x03707344);
      c = mix32(c ^ Math.imul(h, 0x7feb352d));
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const a = this.a,
      b = this.b,
      c = this.c,
      d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer uniform in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** n random bytes as lower-case hex (n a multiple of 4). */
  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i += 4) s += hex32(this.u32());
    return s;
  }
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex32(x: number): string {
  return HEX_BYTE[x >>> 24] + HEX_BYTE[(x >>> 16) & 255] + HEX_BYTE[(x >>> 8) & 255] + HEX_BYTE[x & 255];
}

/** A picker over weighted choices: one random draw, no allocation. */
export class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let acc = 0;
    this.items = entries.map(([v]) => v);
    this.cumulative = entries.map(([, w]) => (acc += w / total));
    this.cumulative[this.cumulative.length - 1] = 1;
  }

  pick(rng: Rng): T {
    const u = rng.next();
    const c = this.cumulative;
    let i = 0;
    while (u >= c[i]) i++;
    return this.items[i];
  }
}
