// Python's ssl._ASN1Object lookups (_ssl.txt2obj / _ssl.nid2obj over OpenSSL's object table),
// for the objects a TLS library deals in by purpose: the extended key usages (RFC 5280 4.2.1.12
// and later registrations), with OpenSSL 3.0's NIDs and names. OpenSSL's table holds every
// object it knows (attribute types, algorithms...); an object outside this set is reported
// unknown here, with the same ValueError as an OID OpenSSL does not know.
import { ValueError } from '../errors.js';
import type { ASN1Object } from './constants.js';

/** [nid, short name, long name, OID], as OpenSSL 3.0 numbers and names them. */
const OBJECTS: readonly (readonly [number, string, string, string])[] = [
  [129, 'serverAuth', 'TLS Web Server Authentication', '1.3.6.1.5.5.7.3.1'],
  [130, 'clientAuth', 'TLS Web Client Authentication', '1.3.6.1.5.5.7.3.2'],
  [131, 'codeSigning', 'Code Signing', '1.3.6.1.5.5.7.3.3'],
  [132, 'emailProtection', 'E-mail Protection', '1.3.6.1.5.5.7.3.4'],
  [294, 'ipsecEndSystem', 'IPSec End System', '1.3.6.1.5.5.7.3.5'],
  [295, 'ipsecTunnel', 'IPSec Tunnel', '1.3.6.1.5.5.7.3.6'],
  [296, 'ipsecUser', 'IPSec User', '1.3.6.1.5.5.7.3.7'],
  [133, 'timeStamping', 'Time Stamping', '1.3.6.1.5.5.7.3.8'],
  [180, 'OCSPSigning', 'OCSP Signing', '1.3.6.1.5.5.7.3.9'],
  [297, 'DVCS', 'dvcs', '1.3.6.1.5.5.7.3.10'],
  [1022, 'ipsecIKE', 'ipsec Internet Key Exchange', '1.3.6.1.5.5.7.3.17'],
  [1023, 'capwapAC', 'Ctrl/provision WAP Access', '1.3.6.1.5.5.7.3.18'],
  [1024, 'capwapWTP', 'Ctrl/Provision WAP Termination', '1.3.6.1.5.5.7.3.19'],
  [1025, 'secureShellClient', 'SSH Client', '1.3.6.1.5.5.7.3.21'],
  [1026, 'secureShellServer', 'SSH Server', '1.3.6.1.5.5.7.3.22'],
  [1027, 'sendRouter', 'Send Router', '1.3.6.1.5.5.7.3.23'],
  [1028, 'sendProxiedRouter', 'Send Proxied Router', '1.3.6.1.5.5.7.3.24'],
  [1029, 'sendOwner', 'Send Owner', '1.3.6.1.5.5.7.3.25'],
  [1030, 'sendProxiedOwner', 'Send Proxied Owner', '1.3.6.1.5.5.7.3.26'],
  [1131, 'cmcCA', 'CMC Certificate Authority', '1.3.6.1.5.5.7.3.27'],
  [1132, 'cmcRA', 'CMC Registration Authority', '1.3.6.1.5.5.7.3.28'],
  [1219, 'cmcArchive', 'CMC Archive Server', '1.3.6.1.5.5.7.3.29'],
  [1220, 'id-kp-bgpsec-router', 'BGPsec Router', '1.3.6.1.5.5.7.3.30'],
  [1221, 'id-kp-BrandIndicatorforMessageIdentification', 'Brand Indicator for Message Identification', '1.3.6.1.5.5.7.3.31'],
  [1222, 'cmKGA', 'Certificate Management Key Generation Authority', '1.3.6.1.5.5.7.3.32'],
  [910, 'anyExtendedKeyUsage', 'Any Extended Key Usage', '2.5.29.37.0'],
];

function make([nid, shortname, longname, oid]: readonly [number, string, string, string]): ASN1Object {
  return Object.freeze({ nid, shortname, longname, oid });
}

/** OBJ_txt2obj's dotted form: at least two arcs, digits only. */
const DOTTED = /^\d+(\.\d+)+$/;

function requireStr(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new TypeError(`${what} must be str, not ${v === null ? 'None' : typeof v}`);
  return v;
}

function unknown(txt: string): ValueError {
  return new ValueError(`unknown object '${txt.slice(0, 100)}'`);
}

/**
 * The object with this dotted OID. Python: `ssl._ASN1Object(oid)`. An OID in dotted form that
 * is not known raises ValueError('Unknown object'), anything else ValueError("unknown object '...'").
 */
export function asn1ObjectFromOid(oid: string): ASN1Object {
  const txt = requireStr(oid, 'oid');
  if (!DOTTED.test(txt)) throw unknown(txt);
  const hit = OBJECTS.find((o) => o[3] === txt);
  if (!hit) throw new ValueError('Unknown object');
  return make(hit);
}

/** The object with this short name, long name or dotted OID. Python: `ssl._ASN1Object.fromname(name)`. */
export function asn1ObjectFromName(name: string): ASN1Object {
  const txt = requireStr(name, 'name');
  const hit = OBJECTS.find((o) => o[1] === txt || o[2] === txt);
  if (hit) return make(hit);
  if (DOTTED.test(txt)) return asn1ObjectFromOid(txt);
  throw unknown(txt);
}

/** The object with this OpenSSL NID. Python: `ssl._ASN1Object.fromnid(nid)`. */
export function asn1ObjectFromNid(nid: number): ASN1Object {
  if (typeof nid !== 'number' || !Number.isInteger(nid)) throw new TypeError('nid must be an integer');
  if (nid < 0) throw new ValueError('NID must be positive.');
  if (nid === 0) throw new ValueError('Unknown object');
  const hit = OBJECTS.find((o) => o[0] === nid);
  if (!hit) throw new ValueError(`unknown NID ${nid}`);
  return make(hit);
}
