// Value pools for the synthetic logs, shaped like Firefox Accounts traffic of
// 2017. Every string here is plain ASCII with no quote or backslash, so lines
// can be built by template strings without JSON escaping (a unit test
// checks this).
import { Weighted } from './random.ts';

export type DeviceKind = 'win10' | 'win7' | 'mac' | 'linux' | 'android' | 'ios';

export const DEVICE_KINDS = new Weighted<DeviceKind>([
  ['win10', 30],
  ['win7', 17],
  ['mac', 12],
  ['linux', 6],
  ['android', 20],
  ['ios', 15],
]);

const FX_VERSIONS = ['50.0', '50.1.0', '51.0', '51.0.1', '52.0', '52.0.1', '52.0.2', '53.0', '54.0'];
const DESKTOP_TOKENS: Record<'win10' | 'win7' | 'mac' | 'linux', string[]> = {
  win10: ['Windows NT 10.0; Win64; x64', 'Windows NT 10.0; WOW64', 'Windows NT 10.0'],
  win7: ['Windows NT 6.1; Win64; x64', 'Windows NT 6.1; WOW64', 'Windows NT 6.1'],
  mac: ['Macintosh; Intel Mac OS X 10.12', 'Macintosh; Intel Mac OS X 10.11', 'Macintosh; Intel Mac OS X 10.10'],
  linux: ['X11; Ubuntu; Linux x86_64', 'X11; Linux x86_64', 'X11; Fedora; Linux x86_64'],
};
const ANDROID_VERSIONS = ['5.1.1', '6.0', '6.0.1', '7.0', '7.1.1'];
const IOS_BUILDS: Array<[string, string, string]> = [
  // [iOS version as in the UA, WebKit build, Mobile build]
  ['10_2_1', '602.4.6', '14D27'],
  ['10_3', '603.1.30', '14E277'],
  ['10_2', '602.3.12', '14C92'],
  ['9_3_5', '601.1.46', '13G36'],
];
const FXIOS_VERSIONS = ['6.0b4946', '6.1b5234', '7.0b5707', '7.1b5929'];

function major(v: string): string {
  return v.split('.')[0] + '.0';
}

/** A device's user agents: the one its browser sends to the content server, and the one its Sync client sends. */
export interface DeviceAgents {
  web: string;
  sync: string;
}

function desktopAgents(kind: 'win10' | 'win7' | 'mac' | 'linux'): DeviceAgents[] {
  const out: DeviceAgents[] = [];
  for (const token of DESKTOP_TOKENS[kind]) {
    for (const v of FX_VERSIONS) {
      const ua = `Mozilla/5.0 (${token}; rv:${major(v)}) Gecko/20100101 Firefox/${major(v)}`;
      out.push({ web: ua, sync: ua });
    }
  }
  return out;
}

function androidAgents(): DeviceAgents[] {
  const out: DeviceAgents[] = [];
  for (const a of ANDROID_VERSIONS) {
    for (const v of FX_VERSIONS) {
      const m = major(v);
      out.push({
        web: `Mozilla/5.0 (Android ${a}; Mobile; rv:${m}) Gecko/${m} Firefox/${m}`,
        sync: `Firefox-Android-FxAccounts/${m} (Firefox)`,
      });
      out.push({
        web: `Mozilla/5.0 (Android ${a}; Tablet; rv:${m}) Gecko/${m} Firefox/${m}`,
        sync: `Mozilla/5.0 (Android ${a}; Tablet; rv:${m}) Gecko/${m} Firefox/${m}`,
      });
    }
  }
  return out;
}

function iosAgents(): DeviceAgents[] {
  const out: DeviceAgents[] = [];
  for (const [ios, webkit, mobile] of IOS_BUILDS) {
    for (const fx of FXIOS_VERSIONS) {
      for (const device of ['iPhone; CPU iPhone OS', 'iPad; CPU OS']) {
        out.push({
          web: `Mozilla/5.0 (${device} ${ios} like Mac OS X) AppleWebKit/${webkit} (KHTML, like Gecko) FxiOS/${fx} Mobile/${mobile} Safari/${webkit}`,
          sync: `Firefox-iOS-FxA/${fx} (Firefox)`,
        });
      }
    }
  }
  return out;
}

export const AGENTS_BY_KIND: Record<DeviceKind, DeviceAgents[]> = {
  win10: desktopAgents('win10'),
  win7: desktopAgents('win7'),
  mac: desktopAgents('mac'),
  linux: desktopAgents('linux'),
  android: androidAgents(),
  ios: iosAgents(),
};

/** Other browsers, seen on flows for non-Sync services (web sign-ins). */
export const OTHER_BROWSER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/57.0.2987.98 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/55.0.2883.87 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_3) AppleWebKit/603.1.30 (KHTML, like Gecko) Version/10.1 Safari/603.1.30',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/602.4.8 (KHTML, like Gecko) Version/10.0.3 Safari/602.4.8',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X) AppleWebKit/602.4.6 (KHTML, like Gecko) Version/10.0 Mobile/14D27 Safari/602.1',
  'Mozilla/5.0 (Linux; Android 7.0; SM-G930F Build/NRD90M) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Safari/537.36 Edge/15.15063',
];

export const LOCALES = new Weighted<string>([
  ['en-US', 38],
  ['de', 12],
  ['fr', 8],
  ['en-GB', 5],
  ['es-ES', 4],
  ['ru', 4],
  ['pt-BR', 4],
  ['pl', 3],
  ['it', 3],
  ['ja', 3],
  ['zh-CN', 3],
  ['en-US.default', 3],
  ['nl', 2],
  ['es-MX', 1],
  ['sv-SE', 1],
  ['zh-TW', 1],
  ['cs', 1],
  ['hu', 1],
  ['tr', 1],
  ['id', 1],
]);

/** Where a Sync flow starts; null means the field is absent. */
export const SYNC_ENTRYPOINTS = new Weighted<string | null>([
  ['menupanel', 30],
  ['preferences', 25],
  ['firstrun', 15],
  ['uitour', 6],
  ['abouthome', 4],
  ['synced-tabs', 4],
  ['fxa_discoverability_native', 3],
  ['app-menu', 2],
  [null, 11],
]);

export const WEB_ENTRYPOINTS = new Weighted<string | null>([
  ['fxa_app_menu', 10],
  ['amo.login', 10],
  [null, 80],
]);

/** Relying parties other than Sync: OAuth client ids (16 hex). */
export const OAUTH_SERVICES = ['5882386c6d801776', 'a2270f727f45f648', '749818d3f2e7857f', 'dcdb5ae7add825d2', '98adfa37698f255b'];

export const CONTEXT_BY_KIND: Record<DeviceKind, string> = {
  win10: 'fx_desktop_v3',
  win7: 'fx_desktop_v3',
  mac: 'fx_desktop_v3',
  linux: 'fx_desktop_v3',
  android: 'fx_fennec_v1',
  ios: 'fx_ios_v1',
};

export const UTM_CAMPAIGNS = [
  'fxa-embedded-form',
  'firstrun',
  'menupanel',
  'fxa-benefits-page',
  'connect-device',
  'whatsnew',
  'onboarding',
];
export const UTM_CONTENTS = ['fx-52.0', 'fx-53.0', 'email-first', 'hero', 'sync-button', 'fxa-cta'];
export const UTM_MEDIUMS = ['referral', 'email', 'firstrun', 'banner', 'snippet'];
export const UTM_SOURCES = ['firstrun', 'mozilla.org', 'menupanel', 'email', 'addons.mozilla.org', 'snippet', 'support.mozilla.org'];
export const UTM_TERMS = ['sync', 'fxa', 'bookmarks', 'passwords', 'tabs'];

/** Experiments the content server enrols flows into, with their groups. */
export const EXPERIMENTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['connectAnotherDevice', ['control', 'treatment']],
  ['mailcheck', ['control', 'treatment']],
  ['sendSms', ['control', 'treatment', 'signinCodes']],
  ['chooseWhatToSync', ['control', 'treatment', 'treatmentBottom']],
];

/** Process ids of the server instances that log. */
export const AUTH_PIDS = [21311, 21322, 21347, 21365, 21402, 21419, 21436, 21458];
export const CONTENT_PIDS = [1480, 1492, 1507, 1519, 1533, 1546];

/** Request paths for request.summary noise lines: [method, path]. */
export const REQUEST_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['get', '/v1/recovery_email/status'],
  ['post', '/v1/certificate/sign'],
  ['get', '/v1/account/devices'],
  ['post', '/v1/account/device'],
  ['post', '/v1/account/login'],
  ['post', '/v1/account/status'],
  ['get', '/v1/account/keys'],
  ['post', '/v1/session/destroy'],
  ['get', '/v1/session/status'],
  ['post', '/v1/get_random_bytes'],
  ['get', '/__heartbeat__'],
];
export const REQUEST_STATUSES = new Weighted<readonly [number, number]>([
  [[200, 0], 92],
  [[400, 102], 2],
  [[400, 103], 2],
  [[401, 110], 3],
  [[429, 114], 1],
]);
export const MAIL_TEMPLATES = [
  'verifyEmail',
  'verifyLoginEmail',
  'recoveryEmail',
  'passwordResetEmail',
  'newDeviceLoginEmail',
  'postVerifyEmail',
];
