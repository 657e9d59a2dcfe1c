// WHATWG "domain to ASCII" (UTS #46 mapping, punycode, IPv4 normalisation),
// the same answer node:url's domainToASCII() gives, but from the URL class
// that every JavaScript runtime has, so that it also works in a web page.
// Setting URL.hostname runs the host parser in "hostname" mode: input it
// cannot take (a port, user info, forbidden code points) leaves the URL
// unchanged, which we report as '' as node does.

const PLACEHOLDERS = ['a.invalid', 'b.invalid'];

// The answer depends on the input alone, and a client asks for the same few
// names on every connection (two URL parses each): keep the recent answers.
const KNOWN = new Map<string, string>();
const KNOWN_MAX = 256;

/** A host name in ASCII (A-labels, lower case), or '' when it is not a valid host. */
export function domainToASCII(domain: string): string {
  let ascii = KNOWN.get(domain);
  if (ascii === undefined) {
    ascii = convert(domain);
    if (KNOWN.size >= KNOWN_MAX) KNOWN.delete(KNOWN.keys().next().value!);
    KNOWN.set(domain, ascii);
  }
  return ascii;
}

function convert(domain: string): string {
  // The setter silently ignores invalid input; a second placeholder tells
  // "unchanged" from "the input normalises to the placeholder itself".
  for (const placeholder of PLACEHOLDERS) {
    const url = new URL(`ws://${placeholder}/`);
    url.hostname = domain;
    if (url.hostname !== placeholder) return url.hostname;
  }
  return '';
}
