// Routes each metrics line to the file of its UTC day and adds, next to some
// of them, the extra lines real logs have: noise of other Types, an exact
// repeat (the auth server sometimes logs twice) and rare broken lines.
import type { Rng } from './random.ts';
import type { DayFiles } from './day-files.ts';
import { badVariant, noiseLine, type MetricKind } from './faults.ts';

export const DAY_MS = 86_400_000;

/** Per metrics line: chance of one extra bad line, of a repeat, of a noise line. */
export const P_BAD = 0.002;
export const P_REPEAT = 0.002;
/** Chosen so that noise is ~5 % of all lines. */
export const P_NOISE = 0.053;

export interface LineCounts {
  flow: number;
  activity: number;
  noise: number;
  bad: number;
}

export class Emitter {
  readonly counts: LineCounts = { flow: 0, activity: 0, noise: 0, bad: 0 };
  /** Exact repeats of a metrics line (included in counts.flow / counts.activity). */
  repeats = 0;
  /** Events after the last day's midnight: the logs end there, so they are not written. */
  pastEnd = 0;

  constructor(
    private readonly files: DayFiles,
    private readonly startMs: number,
    private readonly days: number,
    private readonly rng: Rng,
  ) {}

  flow(line: string, timeMs: number): void {
    this.metric(line, timeMs, 'flow');
  }

  activity(line: string, timeMs: number): void {
    this.metric(line, timeMs, 'activity');
  }

  private metric(line: string, timeMs: number, kind: MetricKind): void {
    const day = Math.floor((timeMs - this.startMs) / DAY_MS);
    if (day >= this.days) {
      this.pastEnd++;
      return;
    }
    const file = this.files.day(day);
    file.push(line);
    this.counts[kind]++;
    const u = this.rng.next();
    if (u >= P_BAD + P_REPEAT + P_NOISE) return;
    if (u < P_BAD) {
      file.push(badVariant(line, kind, this.rng));
      this.counts.bad++;
    } else if (u < P_BAD + P_REPEAT) {
      file.push(line);
      this.counts[kind]++;
      this.repeats++;
    } else {
      file.push(noiseLine(timeMs, this.rng));
      this.counts.noise++;
    }
  }
}
