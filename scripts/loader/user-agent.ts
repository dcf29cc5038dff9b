// docs/contract.md#normalisation: ua_browser / ua_version / ua_os from the userAgent string, with
// ua-parser-js 1.x (MIT; 2.x is AGPL and must not be used).
import { UAParser } from 'ua-parser-js';

export interface UaFields {
  ua_browser: string | null;
  ua_version: string | null;
  ua_os: string | null;
}

const NONE: UaFields = Object.freeze({ ua_browser: null, ua_version: null, ua_os: null });

/** OS as people name it: version only for Windows ("Windows 10") and Mac OS X ("Mac OS X 10.12"). */
function osName(name: string | undefined, version: string | undefined): string | null {
  if (!name) return null;
  if (name === 'Windows') return version ? `Windows ${version}` : 'Windows';
  if (name === 'Mac OS' || name === 'Mac OS X' || name === 'macOS') {
    const majorMinor = version?.split(/[._]/).slice(0, 2).join('.');
    return majorMinor ? `Mac OS X ${majorMinor}` : 'Mac OS X';
  }
  return name;
}

export function parseUserAgent(ua: string | null | undefined): UaFields {
  if (!ua) return NONE;
  const r = new UAParser(ua).getResult();
  return {
    ua_browser: r.browser.name ?? null,
    ua_version: r.browser.major ?? null,
    ua_os: osName(r.os.name, r.os.version),
  };
}

/** parseUserAgent with a bounded per-string cache: the same few thousand UAs repeat millions of times. */
export function makeUserAgentParser(maxEntries = 20_000): (ua: string | null | undefined) => UaFields {
  const cache = new Map<string, UaFields>();
  return (ua) => {
    if (!ua) return NONE;
    let f = cache.get(ua);
    if (f === undefined) {
      if (cache.size >= maxEntries) cache.clear();
      f = parseUserAgent(ua);
      cache.set(ua, f);
    }
    return f;
  };
}
