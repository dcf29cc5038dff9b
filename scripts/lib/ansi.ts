// dbt colours its console output; messages quoted from it are plain text.
// eslint-disable-next-line no-control-regex -- ESC is exactly what is matched
const ANSI_SGR = /\x1b\[[0-9;]*m/g;

export const stripAnsi = (text: string): string => text.replace(ANSI_SGR, '');
