// What customers write: a topic phrasing with its placeholders filled, a greeting and sign-off that
// vary, the odd typo or all-lower-case message, and an angry line when the customer is frustrated.
// Also the short messages of the rest of a ticket (thanks, "it's back", follow-up questions).
import type { SeededRandom } from './seededRandom.js';
import type { Topic } from './topics.js';

const GREETINGS = ['', '', 'Hi,', 'Hello,', 'Hi team,', 'Hey there,', 'Good morning,'];
const SIGN_OFFS = ['', '', 'Thanks', 'Thanks!', 'Thank you.', 'Any help appreciated.', 'Cheers'];
const FRUSTRATED_LINES = [
  'This is really frustrating, I have been stuck on this for hours.',
  'This is the third time I am asking and nobody has helped!!',
  'Honestly this is ridiculous, we cannot work like this.',
  'I am getting really annoyed, this should not be so hard.',
];
const THANKS = ['Thanks, that worked!', 'Perfect, all sorted now. Thank you!', 'Great, that fixed it, thanks a lot.', 'That did it, much appreciated.', 'Thank you, problem solved.'];
const REOPEN = ['Hi again, the same problem is back.', 'Sorry, this is happening again since this morning.', 'It worked for a day but now it is broken again.'];
const INTEGRATIONS = ['Okta', 'Azure AD', 'Google Workspace', 'OneLogin'];
const FILES = ['contacts.csv', 'export_final.csv', 'customers-2024.csv', 'leads.csv'];
const FIRST_NAMES = ['anna', 'ben', 'chloe', 'david', 'emma', 'farid', 'grace', 'hiro', 'ines', 'jonas'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function fill(template: string, rng: SeededRandom, at: Date): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    switch (name) {
      case 'email':
        return `${rng.pick(FIRST_NAMES)}@${rng.pick(['acme.io', 'example.org', 'company.com', 'mail.net'])}`;
      case 'invoice':
        return `INV-${at.getUTCFullYear()}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
      case 'amount':
        return `$${rng.int(19, 2400)}.${rng.pick(['00', '50', '99'])}`;
      case 'count':
        return String(rng.int(3, 500));
      case 'since': {
        const since = new Date(at.getTime() - rng.int(1, 20) * 86_400_000);
        return rng.chance(0.5) ? 'yesterday' : `${MONTHS[since.getUTCMonth()]} ${since.getUTCDate()}`;
      }
      case 'integration':
        return rng.pick(INTEGRATIONS);
      case 'file':
        return rng.pick(FILES);
      default:
        throw new Error(`topic phrasing has unknown placeholder ${whole}`);
    }
  });
}

/** Swap two adjacent inner letters of one longer word: the commonest real typo. */
export function withTypo(text: string, rng: SeededRandom): string {
  const words = [...text.matchAll(/\p{L}{5,}/gu)];
  if (words.length === 0) return text;
  const word = rng.pick(words);
  const i = rng.int(1, word[0].length - 3);
  const w = word[0];
  const typo = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  return text.slice(0, word.index) + typo + text.slice(word.index! + w.length);
}

export interface CustomerMessage {
  subject: string;
  body: string;
}

/** The first message of a ticket on `topic`, written at `at`. */
export function firstMessage(topic: Topic, frustrated: boolean, rng: SeededRandom, at: Date): CustomerMessage {
  const subject = fill(rng.pick(topic.subjects), rng, at);
  let body = fill(rng.pick(topic.phrasings), rng, at);
  if (frustrated) body = rng.chance(0.5) ? `${rng.pick(FRUSTRATED_LINES)} ${body}` : `${body} ${rng.pick(FRUSTRATED_LINES)}`;
  if (rng.chance(0.2)) body = withTypo(body, rng);
  if (rng.chance(0.05)) body = withTypo(body, rng);
  const greeting = rng.pick(GREETINGS);
  const signOff = rng.pick(SIGN_OFFS);
  body = [greeting, body, signOff].filter(Boolean).join('\n\n');
  if (rng.chance(0.1)) body = body.toLowerCase();
  return { subject, body };
}

export const thanksMessage = (rng: SeededRandom): string => rng.pick(THANKS);
export const reopenMessage = (rng: SeededRandom): string => rng.pick(REOPEN);
