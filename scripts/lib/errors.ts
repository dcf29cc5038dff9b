// Exit codes are part of the CLI's contract (README, --help): keep them here.
export const ExitCode = {
  ok: 0,
  /** dbt error, crash, anything unexpected */
  failure: 1,
  /** bad flag, missing key or secret, unreadable path */
  usage: 2,
  /** data checks failed: dbt test of severity error, contract mismatch, too many rejected lines */
  dataChecks: 3,
  /** another run holds the data directory's lock */
  locked: 4,
  /** stopped by SIGINT (128 + 2): dbt stopped, report written, lock released */
  interruptedSigint: 130,
  /** stopped by SIGTERM (128 + 15) */
  interruptedSigterm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means, as `--help` prints it (the README's table says the same; a test checks). */
export const EXIT_CODE_MEANING: Record<ExitCodeValue, string> = {
  0: 'ok',
  1: 'failure (dbt error, crash, a file that could not be written)',
  2: 'usage or configuration error (bad flag, missing or short key, another key than the data dir\'s, unreadable path)',
  3: 'data checks failed (dbt test of severity error, contract mismatch, rejected lines above --max-reject-rate)',
  4: 'locked: another run holds the data directory',
  130: 'interrupted by SIGINT: dbt stopped, report written, lock released',
  143: 'interrupted by SIGTERM: the same',
};

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
