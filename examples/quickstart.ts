/**
 * mfakit in one file: enroll a number, sign in, then see a wrong code, the resend
 * cooldown and the lockout. Memory stores and the console sender; a fake clock lets the
 * demo skip the waits. Run it with `npm start`.
 */
import { createMfa } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import { consoleSender } from 'mfakit/senders';
import { fakeClock } from 'mfakit/testing';

const clock = fakeClock(Date.now()); // a real server uses the wall clock (the default)
let lastBody = '';
const console_ = consoleSender({ write: (line) => console.log(`  ${line.replace(/\n/g, '\n  ')}`) });
const mfa = createMfa({
  stores: memoryStores({ clock }),
  senders: { sms: { name: 'console', send: (m) => ((lastBody = m.body), console_.send(m)) } },
  secret: process.env.MFA_SECRET ?? 'demo-only-secret-do-not-use-in-production!',
  appName: 'Acme',
  phone: { allowedCountries: ['AU', 'CA', 'JP', 'US'], defaultCountry: 'US' },
  clock,
});
const codeFromSms = () => /\d{6}/.exec(lastBody)?.[0] ?? '';
const show = (step: string, value: unknown) => console.log(`\n${step}\n  →`, JSON.stringify(value));

show('1. enrollSms("alice", "(415) 555-2671")', await mfa.enrollSms('alice', '(415) 555-2671'));
show('2. confirmEnrollment with the code from the SMS', await mfa.confirmEnrollment('alice', codeFromSms()));
show('3. requiresMfa("alice")', await mfa.requiresMfa('alice'));

clock.advance(30_000);
show('4. startChallenge("alice"): the sign-in code goes out', await mfa.startChallenge('alice'));
const code = codeFromSms();
show('5. verify with a wrong code', await mfa.verify('alice', code === '000000' ? '111111' : '000000'));
show('6. resend at once: refused by the 30 s cooldown', await mfa.resend('alice'));
show('7. verify with the right code', await mfa.verify('alice', code));

console.log('\n8. eight wrong codes in a row lock alice for 20 minutes:');
clock.advance(30_000);
await mfa.startChallenge('alice');
for (let i = 1; i <= 8; i++) {
  if (i === 5) {
    clock.advance(30_000);
    await mfa.resend('alice'); // the first code died after 4 wrong entries
  }
  const res = await mfa.verify('alice', codeFromSms() === '000000' ? '111111' : '000000');
  console.log(`  wrong code #${i} →`, JSON.stringify(res));
}
show('9. startChallenge while locked', await mfa.startChallenge('alice'));
clock.advance(20 * 60_000);
show('10. twenty minutes later, startChallenge works again', await mfa.startChallenge('alice'));
