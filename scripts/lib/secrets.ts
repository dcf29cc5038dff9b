// Secrets (HMAC key, tokens) must never be printed: every message that leaves
// the process goes through redact().
const secrets = new Set<string>();

/** Registers a secret value so that redact() hides it everywhere. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  // inside JSON (log lines, reports) quotes and backslashes come escaped
  const inJson = JSON.stringify(value).slice(1, -1);
  if (inJson !== value) secrets.add(inJson);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}
