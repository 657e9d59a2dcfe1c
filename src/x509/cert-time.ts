// Python's ssl.cert_time_to_seconds(): "Jan  5 09:34:43 2018 GMT" (the
// notBefore/notAfter text of getpeercert()) to seconds since the epoch.
import { ValueError } from '../errors.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIME_FORMAT = ' %d %H:%M:%S %Y GMT';

// What time.strptime(s, ' %d %H:%M:%S %Y GMT') accepts: each run of
// whitespace in the format is one or more whitespace characters, fields
// take Python's _strptime patterns, matching ignores case, and the match
// is anchored at the start only (trailing text is reported separately).
const STRPTIME_RE =
  /^\s+(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])\s+(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)\s+(\d\d\d\d)\s+GMT/i;

/** Python's repr() of a str. */
function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, month 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Seconds since the epoch for a certificate time as Python's getpeercert()
 * shows it ("%b %d %H:%M:%S %Y GMT", always UTC). Errors are Python's
 * ValueErrors with the same messages.
 */
export function certTimeToSeconds(certTime: string): number {
  if (typeof certTime !== 'string') {
    const v: unknown = certTime;
    const t = v === null || v === undefined ? 'NoneType' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v;
    throw new TypeError(`'${t}' object is not subscriptable`);
  }
  const head = certTime.slice(0, 3);
  // str.title() on three letters: first upper, the rest lower.
  const titled = head.charAt(0).toUpperCase() + head.slice(1).toLowerCase();
  const month = MONTHS.indexOf(titled) + 1;
  if (month === 0) {
    throw new ValueError(`time data ${pyRepr(certTime)} does not match format "%b${TIME_FORMAT}"`);
  }
  const rest = certTime.slice(3);
  const m = STRPTIME_RE.exec(rest);
  if (!m) throw new ValueError(`time data ${pyRepr(rest)} does not match format ${pyRepr(TIME_FORMAT)}`);
  if (m[0].length !== rest.length) throw new ValueError(`unconverted data remains: ${rest.slice(m[0].length)}`);
  const day = Number(m[1]!.trim());
  const [hour, minute, second, year] = [m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number];
  // strptime saw no month, so it checked the day against January; calendar.timegm then normalises.
  if (year < 1) throw new ValueError('year 0 is out of range');
  return daysFromCivil(year, month, 1) * 86400 + (day - 1) * 86400 + hour * 3600 + minute * 60 + second;
}
