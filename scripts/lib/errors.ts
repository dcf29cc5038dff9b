// Exit codes are part of the CLI's contract: this file is their one owner.
// `--help` prints EXIT_CODE_MEANINGS, and the README's exit-code table is
// generated from it (`npm run gen:docs`; a test fails on drift).
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  dataChecks: 3,
  locked: 4,
  /** stopped by SIGINT (128 + 2): dbt stopped, run-report written, lock released */
  interruptedSigint: 130,
  /** stopped by SIGTERM (128 + 15) */
  interruptedSigterm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_MEANINGS: Record<ExitCodeValue, { meaning: string; when: string }> = {
  0: { meaning: 'ok', when: 'also: nothing to do' },
  1: {
    meaning: 'failure',
    when: 'a model errored, dbt could not run (profile, connection, parse), a crash, a file that could not be written (full disk); outranks 3 when a run has both',
  },
  2: {
    meaning: 'usage or configuration error',
    when: "bad flag, missing or short HMAC key, another key than the data dir's, missing Databricks variable, a path named on the command line that cannot be read, a data dir that is a file",
  },
  3: {
    meaning: 'data checks failed',
    when: 'a dbt data or unit test failed, a contract mismatch found by validate, rejected lines above --max-reject-rate (a share of the lines read), or an input file that cannot be read to its end (the others are loaded)',
  },
  4: { meaning: 'locked', when: 'another run holds the data directory' },
  130: { meaning: 'interrupted by SIGINT', when: 'dbt stopped, run-report written (status interrupted), lock released' },
  143: { meaning: 'interrupted by SIGTERM', when: 'the same as 130' },
};

/** One line of a command's `--help` naming the exit codes it can end with, in the words of EXIT_CODE_MEANINGS. */
export function exitCodesLine(codes: ExitCodeValue[]): string {
  return `Exit codes: ${codes.map((c) => `${c} ${EXIT_CODE_MEANINGS[c].meaning}`).join(', ')}.`;
}

/** An error that ends the command with one clear line on stderr and a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);
