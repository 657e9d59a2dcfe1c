// A CryptoProvider that forwards every call to another one and adds up the
// time spent inside: for the bench's split of a handshake into the time in
// node:crypto (through the provider) and the engine's own time, the
// handshake's counterpart of the per-record split.
//
// Objects the provider hands out (running hashes, AEAD/CBC/MAC keys, key
// shares, DH keys) are wrapped too, so their calls are counted as well.
// Key handles are passed through untouched: the provider's own calls get
// them back. Clock reads cost about 0.05 us each, against calls of 1 to
// 100 us.
import { performance } from 'node:perf_hooks';

/** Methods whose result is an object with methods of its own to time. */
const FACTORIES = new Set(['hash', 'macKey', 'aead', 'cbc', 'keyShare', 'finiteFieldDh']);

export function timedProvider(inner) {
  const clock = { ms: 0, calls: 0 };
  const wrapObject = (obj) => {
    const proxy = Object.create(obj);
    for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(obj))) {
      if (key === 'constructor' || typeof obj[key] !== 'function') continue;
      proxy[key] = (...args) => {
        const t0 = performance.now();
        try {
          const r = obj[key](...args);
          // RunningHash.clone() returns another RunningHash.
          return key === 'clone' ? wrapObject(r) : r;
        } finally {
          clock.ms += performance.now() - t0;
          clock.calls++;
        }
      };
    }
    return proxy;
  };
  const provider = Object.create(inner);
  for (const key of Object.keys(inner)) {
    if (typeof inner[key] !== 'function') continue;
    provider[key] = (...args) => {
      const t0 = performance.now();
      let r;
      try {
        r = inner[key](...args);
      } finally {
        clock.ms += performance.now() - t0;
        clock.calls++;
      }
      return FACTORIES.has(key) && r ? wrapObject(r) : r;
    };
  }
  return { provider, clock };
}
