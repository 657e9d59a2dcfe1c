// WHATWG "domain to ASCII" (UTS #46 mapping, punycode, IPv4 normalisation),
// the same answer node:url's domainToASCII() gives, but from the URL class
// that every JavaScript runtime has, so that it also works in a web page.
// Setting URL.hostname runs the host parser in "hostname" mode: input it
// cannot take (a port, user info, forbidden code points) leaves the URL
// unchanged, which we report as '' as node does.

const PLACEHOLDERS = ['a.invalid', 'b.invalid'];

/** A host name in ASCII (A-labels, lower case), or '' when it is not a valid host. */
export function domainToASCII(domain: string): string {
  // The setter silently ignores invalid input; a second placeholder tells
  // "unchanged" from "the input normalises to the placeholder itself".
  for (const placeholder of PLACEHOLDERS) {
    const url = new URL(`ws://${placeholder}/`);
    url.hostname = domain;
    if (url.hostname !== placeholder) return url.hostname;
  }
  return '';
}
