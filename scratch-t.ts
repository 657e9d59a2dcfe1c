import { readFileSync } from 'node:fs';
import { verifyCertificateChain } from './src/ssl/verify-chain.js';
const ca = readFileSync('/tmp/h8x/ca.pem', 'utf8');
const t = (f: string, h?: string) => {
  try { verifyCertificateChain({ leaf: readFileSync(`/tmp/h8x/${f}.pem`, 'utf8'), trusted: ca, hostname: h }); console.log(f, h, 'OK'); }
  catch (e) { console.log(f, h, (e as Error).message); }
};
t('leaf', 'victim.example'); t('leaf', 'n5000.example');
for (const f of 'dupSan dupEku nonDerSan garbageSan trailingSan dupUnknown dupPolicies dupAia badPolicies badNsCert badCrldp badIan badAia badPolicyConstraints badIpAddr badFreshest badSki badAki critCrldp critSki critAki critCrldpOk expleaf expleaf2'.split(' ')) t(f);
