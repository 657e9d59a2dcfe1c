// Python's str.encode('idna') for server hostnames, as SSLContext.wrap_* applies it.
import { domainToASCII } from '../x509/domain-to-ascii.js';
import { ValueError } from '../errors.js';

export function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function idnaError(msg: string): ValueError {
  return new ValueError(`encoding with 'idna' codec failed (UnicodeError: ${msg})`);
}

/**
 * Python's `hostname.encode('idna')`: ASCII names pass unchanged after label
 * length checks; other labels are converted with punycode.
 */
export function encodeHostname(hostname: string): string {
  if (hostname === '') return '';
  if (isAscii(hostname)) {
    const labels = hostname.split('.');
    for (const label of labels.slice(0, -1)) {
      if (label.length === 0 || label.length > 63) throw idnaError('label empty or too long');
    }
    if (labels[labels.length - 1]!.length > 63) throw idnaError('label too long');
    return hostname;
  }
  const labels = hostname.split(/[.\u3002\uff0e\uff61]/);
  let trailingDot = '';
  if (labels.length > 0 && labels[labels.length - 1] === '') {
    labels.pop();
    trailingDot = '.';
  }
  const out = labels.map((label) => {
    const ascii = isAscii(label) ? label : domainToASCII(label);
    if (ascii.length === 0 || ascii.length > 63) throw idnaError('label empty or too long');
    return ascii;
  });
  return out.join('.') + trailingDot;
}

