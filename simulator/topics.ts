// The topics customers write about: how they phrase it, and the canonical answer a good agent gives
// before any context-dependent addition (agentRules.ts). Placeholders in braces are filled per
// message by customerMessages.ts. Each answer sentence lists its accepted phrasings (first = usual).
import type { ProductArea } from '../domain/productAreas.js';

export interface Topic {
  id: string;
  name: string;
  tags: string[];
  /** Relative share of volume before tenant mix, seasonality and spikes. */
  weight: number;
  /** Chance a ticket on this topic is escalated to tier 2 (doubled for frustrated customers). */
  escalationRate: number;
  subjects: string[];
  phrasings: string[];
  /** Canonical answer: one entry per sentence, each with its phrasing variants. */
  answer: string[][];
  /**
   * The answer after the product or policy changed, for a simulation with a change of practice
   * (ticketPlan.ts PracticeChangeOptions): from then on a good agent answers this way.
   */
  revisedAnswer?: string[][];
  /** A natural second question on this topic, and the agent's answer to it. */
  followUp: { questions: string[]; answer: string[][] };
}

export const TOPICS: readonly Topic[] = [
  {
    id: 'password-reset',
    name: 'Password reset',
    tags: ['login', 'account'],
    weight: 1.6,
    escalationRate: 0.02,
    subjects: ['Cannot log in', 'Password reset not working', 'Locked out of my account'],
    phrasings: [
      "I can't log in, the password reset link you send me doesn't work.",
      'I forgot my password and the reset email never arrives at {email}.',
      'Reset password link says it is expired every time I click it.',
      'How do I reset my password? I have been locked out since {since}.',
    ],
    answer: [
      ['Reset links expire after 30 minutes, so please request a new one from the sign-in page and use it right away.'],
      ['If the email does not arrive within a few minutes, check your spam folder and make sure no-reply@example.com is allowed.'],
      ['Once you are signed in, you can change your password any time under Settings → Security.'],
    ],
    revisedAnswer: [
      ['Passwords are now reset in our mobile app: open it, tap "Trouble signing in" and confirm with the six-digit code we text to your phone.'],
      ['Emailed reset links were retired last week for security reasons, which is why the old link no longer works.'],
      ['If your phone number is out of date, reply with the last four digits of the card on file and we will update it for you.'],
    ],
    followUp: {
      questions: ['Can I also turn on two-factor login while I am at it?', 'Is there a way to stay signed in longer?'],
      answer: [['Yes, under Settings → Security you can enable two-factor authentication and choose how long sessions stay signed in.']],
    },
  },
  {
    id: 'billing-invoice',
    name: 'Invoice download',
    tags: ['billing'],
    weight: 1.3,
    escalationRate: 0.02,
    subjects: ['Invoice request', 'Where is my invoice?', 'Need invoice {invoice}'],
    phrasings: [
      'Where can I download the invoice for last month? Our finance team needs it.',
      'I need a copy of invoice {invoice} with our VAT number on it.',
      'Can you send me all invoices since {since}? Accounting is asking.',
      'The invoice PDF for {invoice} shows the wrong company address.',
    ],
    answer: [
      ['You can download every invoice as a PDF under Settings → Billing → Invoices.'],
      ['To add a VAT number or change the billing address, edit the billing details on the same page and the next invoice will include them.'],
      ['If you need an already issued invoice corrected, reply with the invoice number and we will reissue it within one business day.'],
    ],
    followUp: {
      questions: ['Can invoices be emailed to our accountant automatically?', 'Could the invoices go to a different email address?'],
      answer: [['Yes, add the address under Settings → Billing → Invoice recipients and every new invoice is emailed there.']],
    },
  },
  {
    id: 'refund-request',
    name: 'Refund request',
    tags: ['billing', 'refund'],
    weight: 0.9,
    escalationRate: 0.12,
    subjects: ['Refund please', 'Charged twice', 'Cancel and refund'],
    phrasings: [
      'I was charged twice this month ({amount}), please refund the duplicate.',
      'We cancelled on {since} but still got charged {amount}. I want a refund.',
      'Can I get a refund for the unused months of our annual plan?',
      'Please refund the {amount} charge, we did not mean to upgrade.',
    ],
    answer: [
      ['I have checked your billing history and submitted a refund for the charge in question.'],
      ['Refunds go back to the original payment method and usually appear within 5 to 10 business days, depending on your bank.'],
      ['You will receive a confirmation email with the refund reference as soon as it is processed.'],
    ],
    revisedAnswer: [
      ['Refunds are now handled by our payment partner Paddle, and I have opened a refund case with them for this charge.'],
      ['Paddle confirms each case by email within two working days and pays it back as store credit or to your card, as you choose there.'],
      ['Your case number is in the subject of that email; quote it if you contact Paddle directly.'],
    ],
    followUp: {
      questions: ['Will this also cancel the subscription?', 'Does the refund affect our access right away?'],
      answer: [['No, the refund does not change your subscription; you keep access until the end of the current billing period.']],
    },
  },
  {
    id: 'api-rate-limits',
    name: 'API rate limits',
    tags: ['api'],
    weight: 0.9,
    escalationRate: 0.06,
    subjects: ['429 Too Many Requests', 'API rate limit', 'Rate limited'],
    phrasings: [
      'Our integration keeps getting 429 Too Many Requests from your API since {since}.',
      'What are the API rate limits? We hit them with about {count} requests a minute.',
      'Getting rate limited on the export endpoint, how can we raise the limit?',
      'Our sync job fails with HTTP 429 after a few hundred calls.',
    ],
    answer: [
      ['Each API key can make 600 requests per minute, and responses carry X-RateLimit-Remaining and Retry-After headers.'],
      ['When you receive a 429, wait for the number of seconds in Retry-After before retrying, ideally with exponential backoff.'],
      ['For bulk work, the batch endpoints accept up to 100 records per call, which keeps you well under the limit.'],
    ],
    followUp: {
      questions: ['Can the limit be raised for our account?', 'Is the limit per key or per account?'],
      answer: [['The limit applies per API key, and we can raise it for an account on request after looking at your usage pattern.']],
    },
  },
  {
    id: 'sso-setup',
    name: 'SSO setup',
    tags: ['sso', 'security'],
    weight: 0.7,
    escalationRate: 0.08,
    subjects: ['SSO configuration', 'SAML login failing', 'Set up single sign-on'],
    phrasings: [
      'How do we set up SSO with Okta for our team?',
      'SAML login fails with "invalid audience" after we configured {integration}.',
      'We want to enforce single sign-on for everyone, where is that setting?',
      'Our IT wants to connect Azure AD via SAML, what do we need?',
    ],
    answer: [
      ['Single sign-on is configured under Settings → Security → SSO, where you will find our SAML metadata URL and entity ID.'],
      ['Add those to your identity provider, then paste its metadata URL back into the same page and run the connection test.'],
      ['An "invalid audience" error means the entity ID in the identity provider does not match ours exactly, including the trailing slash.'],
      ['Once the test passes you can turn on "Require SSO" so every member signs in through your identity provider.'],
    ],
    followUp: {
      questions: ['Will existing users lose access when we switch?', 'Do users need to be invited again after SSO?'],
      answer: [['No, existing members are matched by email address on their first SSO sign-in and keep their data and permissions.']],
    },
  },
  {
    id: 'data-export',
    name: 'Data export',
    tags: ['data', 'export'],
    weight: 0.8,
    escalationRate: 0.04,
    subjects: ['Export our data', 'CSV export', 'Export stuck'],
    phrasings: [
      'How can I export all our data to CSV?',
      'The export I started on {since} is still "in progress".',
      'We need a full export of our workspace for an audit.',
      'Is there a way to export only the records created since {since}?',
    ],
    answer: [
      ['You can export your workspace under Settings → Data → Export, choosing CSV or JSON and an optional date range.'],
      ['Large exports run in the background and we email you a download link when the file is ready, usually within an hour.'],
      ['Download links stay valid for 7 days, after which you can simply start a new export.'],
    ],
    revisedAnswer: [
      ['Exports have moved to the new Reports area: open Reports, pick Workspace export and choose Parquet or CSV.'],
      ['Every export now goes straight to the storage bucket you connect under Reports → Destinations, so there is no download link to wait for.'],
      ['Scheduled exports can run daily or weekly from the same page if your team needs fresh copies.'],
    ],
    followUp: {
      questions: ['Can we schedule the export to run every week?', 'Can exports run automatically?'],
      answer: [['Yes, the Export page has a schedule option that runs the same export weekly or monthly and emails the link.']],
    },
  },
  {
    id: 'add-team-member',
    name: 'Adding team members',
    tags: ['account', 'seats'],
    weight: 1.0,
    escalationRate: 0.01,
    subjects: ['Add a colleague', 'Invite users', 'Invitation not received'],
    phrasings: [
      'How do I add {count} colleagues to our workspace?',
      'I invited {email} but they never got the invitation.',
      'Can I give a new team member admin rights?',
      'Where do I invite people? I cannot find the button.',
    ],
    answer: [
      ['Admins can invite people under Settings → Members → Invite, entering one email address per line.'],
      ['Invitations are valid for 7 days; if one did not arrive, use "Resend" next to the pending member.'],
      ['You can choose each member\'s role when inviting them and change it later from the same list.'],
    ],
    followUp: {
      questions: ['Do invited members count as paid seats right away?', 'Are pending invitations billed?'],
      answer: [['A seat is only billed once the invitation is accepted, so pending invitations cost nothing.']],
    },
  },
  {
    id: 'webhook-failures',
    name: 'Webhook delivery failures',
    tags: ['api', 'webhooks'],
    weight: 0.6,
    escalationRate: 0.1,
    subjects: ['Webhooks not arriving', 'Webhook failures', 'Webhook disabled'],
    phrasings: [
      'Our webhook endpoint stopped receiving events on {since}.',
      'Your webhooks are marked as failing but our server is up.',
      'Why was our webhook disabled? We lost about {count} events.',
      'Webhook deliveries time out, what timeout do you use?',
    ],
    answer: [
      ['We wait up to 10 seconds for a 2xx response and retry failed deliveries with backoff for 24 hours.'],
      ['After 24 hours of consecutive failures the endpoint is disabled, and you can re-enable it under Settings → Webhooks.'],
      ['The delivery log on that page shows each attempt with the status code your server returned, and you can replay missed events from there.'],
    ],
    followUp: {
      questions: ['Can we replay all missed events at once?', 'Is there a bulk replay?'],
      answer: [['Yes, select a time range in the delivery log and choose "Replay all" to resend every failed event in it.']],
    },
  },
  {
    id: 'plan-upgrade',
    name: 'Changing plan',
    tags: ['billing', 'plan'],
    weight: 0.8,
    escalationRate: 0.02,
    subjects: ['Upgrade plan', 'Change subscription', 'Downgrade'],
    phrasings: [
      'We want to upgrade to the Business plan, how does the pricing work mid-month?',
      'How do I downgrade our plan? We only need {count} seats now.',
      'Can we switch from monthly to annual billing?',
      'What happens to our data if we move to a smaller plan?',
    ],
    answer: [
      ['You can change your plan at any time under Settings → Billing → Plan.'],
      ['Upgrades take effect immediately and are prorated for the rest of the billing period, while downgrades apply from the next period.'],
      ['Your data is never deleted when changing plans; features outside the new plan simply become read-only.'],
    ],
    followUp: {
      questions: ['Is there a discount for annual billing?', 'Do you offer a discount if we pay yearly?'],
      answer: [['Yes, annual billing is 15% cheaper than paying monthly, and you can switch on the Plan page.']],
    },
  },
  {
    id: 'account-deletion',
    name: 'Account deletion',
    tags: ['account', 'privacy'],
    weight: 0.4,
    escalationRate: 0.05,
    subjects: ['Delete my account', 'Close account', 'GDPR deletion request'],
    phrasings: [
      'Please delete my account and all my data.',
      'How do I close our workspace permanently?',
      'This is a GDPR erasure request for {email}.',
      'We are moving away, how do we delete everything?',
    ],
    answer: [
      ['An owner can delete the workspace under Settings → Workspace → Delete, which removes all data permanently after 14 days.'],
      ['During those 14 days you can still cancel the deletion, and we recommend exporting anything you want to keep first.'],
      ['We send a confirmation email once the deletion is complete, which also serves as your erasure confirmation.'],
    ],
    followUp: {
      questions: ['Will we still be billed during the 14 days?', 'Does billing stop immediately?'],
      answer: [['No, billing stops the moment the deletion is requested.']],
    },
  },
  {
    id: 'two-factor-lost',
    name: 'Lost two-factor device',
    tags: ['login', 'security'],
    weight: 0.6,
    escalationRate: 0.07,
    subjects: ['Lost my phone', '2FA locked out', 'Authenticator reset'],
    phrasings: [
      'I got a new phone and lost my authenticator app, now I cannot sign in.',
      'My 2FA codes are rejected since {since}.',
      'How can I reset two-factor authentication? I lost my device.',
      'Locked out because of 2FA, please help.',
    ],
    answer: [
      ['You can sign in with one of the backup codes you saved when enabling two-factor authentication, then set up your new device.'],
      ['If you have no backup codes, a workspace admin can reset your two-factor setup from Settings → Members.'],
      ['If codes are rejected, check that your phone\'s clock is set automatically, as authenticator codes depend on the exact time.'],
    ],
    followUp: {
      questions: ['How do I get new backup codes?', 'Where can I see my backup codes again?'],
      answer: [['Under Settings → Security → Two-factor you can generate a fresh set of backup codes, which invalidates the old ones.']],
    },
  },
  {
    id: 'email-notifications',
    name: 'Email notifications',
    tags: ['notifications'],
    weight: 0.7,
    escalationRate: 0.02,
    subjects: ['Not getting emails', 'Too many notifications', 'Notification settings'],
    phrasings: [
      'I stopped getting email notifications on {since}.',
      'How do I turn off the daily summary emails?',
      'Notifications go to my old address instead of {email}.',
      'We get way too many emails, can we reduce them?',
    ],
    answer: [
      ['Notification emails are controlled per person under Profile → Notifications, where each type can be switched on or off.'],
      ['If emails stopped arriving, check that they are not filtered as spam and that your address under Profile is current.'],
      ['You can also switch to a single daily digest instead of individual emails on the same page.'],
    ],
    followUp: {
      questions: ['Can an admin change these settings for the whole team?', 'Can I set defaults for everyone?'],
      answer: [['Yes, admins can set the default notification settings for new members under Settings → Members → Defaults.']],
    },
  },
  {
    id: 'csv-import-errors',
    name: 'CSV import errors',
    tags: ['data', 'import'],
    weight: 0.7,
    escalationRate: 0.04,
    subjects: ['Import failed', 'CSV upload error', 'Import stuck'],
    phrasings: [
      'Importing our CSV fails with "invalid column" on row {count}.',
      'The import of {file} stops halfway without an error.',
      'What format does the CSV import expect?',
      'Dates from our CSV are imported wrongly, days and months are swapped.',
    ],
    answer: [
      ['The importer expects UTF-8 CSV with a header row, and each header must match a field name or be mapped on the preview screen.'],
      ['Dates are read as YYYY-MM-DD by default, and you can pick another date format on the preview screen before importing.'],
      ['Files over 50 MB should be split into smaller parts, and the import report lists every rejected row with the reason.'],
    ],
    followUp: {
      questions: ['Can we undo an import that went wrong?', 'How do we roll back a bad import?'],
      answer: [['Yes, every import can be undone for 7 days from Settings → Data → Import history.']],
    },
  },
];

/**
 * Product areas a product team could define over this catalogue's tags (/v1/settings/product-areas),
 * so a simulated tenant's spike detection and the Anomalies dashboard have area series to show.
 * `simulate` saves them for a tenant that has none of its own (simulation.ts); an area's topics list
 * stays empty because topics are the product's learned labels, not the simulator's ids.
 */
export const PRODUCT_AREAS: readonly ProductArea[] = [
  { name: 'Sign-in & security', tags: ['login', 'sso', 'security'], topics: [] },
  { name: 'Billing', tags: ['billing'], topics: [] },
  { name: 'Developer API', tags: ['api', 'webhooks'], topics: [] },
  { name: 'Data import & export', tags: ['data'], topics: [] },
  { name: 'Team & account', tags: ['account', 'seats'], topics: [] },
];

export function topicById(id: string): Topic {
  const topic = TOPICS.find((t) => t.id === id);
  if (!topic) throw new Error(`unknown topic "${id}"; known: ${TOPICS.map((t) => t.id).join(', ')}`);
  return topic;
}
