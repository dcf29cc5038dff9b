// Logging for operators: readable text by default, one JSON object per line
// with --log-format json. Always on stderr (stdout is for --json results),
// always redacted.
import { redact } from './secrets.ts';

export type LogFormat = 'text' | 'json';
let format: LogFormat = 'text';
let quiet = false;

export function configureLog(opts: { format?: LogFormat; quiet?: boolean }): void {
  if (opts.format) format = opts.format;
  if (opts.quiet !== undefined) quiet = opts.quiet;
}

export function logFormat(): LogFormat {
  return format;
}

function emit(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
  if (quiet && level === 'info') return;
  if (format === 'json') {
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
    process.stderr.write(redact(line) + '\n');
  } else {
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
    const prefix = level === 'info' ? '' : `${level}: `;
    process.stderr.write(redact(`${prefix}${msg}${extra}`) + '\n');
  }
}

export const log = {
  info: (msg: string, fields?: Record<string, unknown>) => emit('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => emit('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => emit('error', msg, fields),
};
