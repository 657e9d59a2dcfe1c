export const nobleCrypto = null as unknown as import("./provider.js").CryptoProvider;
