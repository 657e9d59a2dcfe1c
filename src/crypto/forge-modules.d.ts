// node-forge ships CommonJS files without types; @types/node-forge describes
// its whole namespace. The pure-JavaScript provider loads only the RSA parts
// (each file adds to, and exports, the one shared namespace object).
declare module 'node-forge/lib/forge.js' {
  import forge from 'node-forge';
  export default forge;
}
declare module 'node-forge/lib/rsa.js';
declare module 'node-forge/lib/pss.js';
declare module 'node-forge/lib/mgf1.js';
declare module 'node-forge/lib/sha1.js';
declare module 'node-forge/lib/sha256.js';
declare module 'node-forge/lib/sha512.js';
