// The Public Suffix List, for the WebPKI rule that a wildcard may not stand
// directly on a public suffix (CA/Browser Forum BR 3.2.2.6: `*.co.uk`,
// `*.gov.uk`). The list is read from the system (Debian's `publicsuffix`
// package, or $SSL_TS_PUBLIC_SUFFIX_LIST); only its ICANN section counts, as
// in Chrome's certificate checks, so names under private suffixes such as
// `*.s3.amazonaws.com` stay valid. Without a list only the rule that needs
// none applies: a wildcard must have at least two labels after it. That is
// also the case in a web page, which has no files.
import { readFileBytes } from '../host/file-system.js';
import { envVar } from '../host/process.js';
import { domainToASCII } from './domain-to-ascii.js';

const DEFAULT_PATHS = ['/usr/share/publicsuffix/public_suffix_list.dat'];

interface Rules {
  exact: Set<string>;
  wildcard: Set<string>;
  exception: Set<string>;
}

let cached: Rules | null | undefined;

function load(): Rules | null {
  const env = envVar('SSL_TS_PUBLIC_SUFFIX_LIST');
  for (const p of env ? [env] : DEFAULT_PATHS) {
    let text: string;
    try {
      text = readFileBytes(p).toString('utf8');
    } catch {
      continue;
    }
    const rules: Rules = { exact: new Set(), wildcard: new Set(), exception: new Set() };
    for (const raw of text.split('\n')) {
      if (raw.includes('===END ICANN DOMAINS===')) break;
      const line = raw.trim().split(/\s/)[0]!.toLowerCase();
      if (line === '' || line.startsWith('//')) continue;
      // Rules are stored as the list writes them; host names here are ASCII (A-labels).
      const rule = toAscii(line);
      if (rule.startsWith('!')) rules.exception.add(rule.slice(1));
      else if (rule.startsWith('*.')) rules.wildcard.add(rule.slice(2));
      else rules.exact.add(rule);
    }
    return rules;
  }
  return null;
}

/** A list entry with its U-labels as A-labels (certificates hold A-labels). */
function toAscii(rule: string): string {
  if (/^[\x00-\x7f]*$/.test(rule)) return rule;
  const prefix = rule.startsWith('!') ? '!' : rule.startsWith('*.') ? '*.' : '';
  return prefix + (domainToASCII(rule.slice(prefix.length)) || rule.slice(prefix.length));
}

function rules(): Rules | null {
  if (cached === undefined) cached = load();
  return cached;
}

/** Whether a public suffix list was found. */
export function haveSuffixList(): boolean {
  return rules() !== null;
}

/** Whether `name` (lower-case ASCII, no trailing dot) is itself a public suffix. */
export function isPublicSuffix(name: string): boolean {
  const r = rules();
  if (!r) return !name.includes('.');
  if (r.exception.has(name)) return false;
  if (r.exact.has(name)) return true;
  const dot = name.indexOf('.');
  if (dot > 0 && r.wildcard.has(name.slice(dot + 1))) return true;
  // The implicit rule "*": every top-level label is a suffix.
  return !name.includes('.');
}
