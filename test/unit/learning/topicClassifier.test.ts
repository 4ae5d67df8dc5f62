import { describe, expect, it } from 'vitest';
import { createLearner } from '../../../domain/learning/learner.js';
import { TopicClassifier, UNKNOWN_TOPIC } from '../../../domain/learning/topicClassifier.js';
import { DEFAULT_THRESHOLDS } from '../../../domain/learning/thresholds.js';

const EXAMPLES: Array<[string, string]> = [
  ['I want to cancel my order', 'cancel_order'],
  ['please cancel the order I placed yesterday', 'cancel_order'],
  ['how do I cancel a purchase', 'cancel_order'],
  ['cancel order 12345 now', 'cancel_order'],
  ['where is my parcel', 'track_order'],
  ['track my order please', 'track_order'],
  ['when will my package arrive', 'track_order'],
  ['what is the delivery status of my order', 'track_order'],
  ['I forgot my password', 'recover_password'],
  ['reset my password please', 'recover_password'],
  ['cannot log in, lost password', 'recover_password'],
  ['help me recover my account password', 'recover_password'],
];

function classifier(): TopicClassifier {
  return new TopicClassifier({ smoothing: DEFAULT_THRESHOLDS.classifierSmoothing, minConfidence: DEFAULT_THRESHOLDS.topicMinConfidence, calibrationPriorWeight: DEFAULT_THRESHOLDS.calibrationPriorWeight });
}

describe('topic classifier', () => {
  it('knows nothing before it has learned anything', () => {
    expect(classifier().classify('cancel my order')).toMatchObject({ topic: UNKNOWN_TOPIC, confidence: 0 });
  });

  it('learns topics from labelled tickets and classifies new phrasings', () => {
    const c = classifier();
    for (const [text, topic] of EXAMPLES) c.learn(text, topic);
    expect(c.classify('could you cancel the order for me').topic).toBe('cancel_order');
    expect(c.classify('my package has not arrived, where is it').topic).toBe('track_order');
    expect(c.classify('password reset link please').topic).toBe('recover_password');
  });

  it('answers unknown for gibberish and for words it never saw', () => {
    const c = classifier();
    for (const [text, topic] of EXAMPLES) c.learn(text, topic);
    expect(c.classify('qwxz blorf fnargle')).toMatchObject({ topic: UNKNOWN_TOPIC, confidence: 0 });
    expect(c.classify('the weather in Lisbon is lovely').topic).toBe(UNKNOWN_TOPIC);
  });

  it('is updated by every labelled ticket, with no retraining step', () => {
    const c = classifier();
    for (const [text, topic] of EXAMPLES) c.learn(text, topic);
    expect(c.classify('I need an invoice copy').topic).not.toBe('get_invoice');
    for (const text of ['send me my invoice', 'I need a copy of my invoice', 'download invoice', 'invoice for last month']) c.learn(text, 'get_invoice');
    expect(c.classify('I need an invoice copy').topic).toBe('get_invoice');
  });

  it('calibrates confidence from how often its past predictions were right', () => {
    const c = classifier();
    for (const [text, topic] of EXAMPLES) c.learn(text, topic);
    const raw = c.scoreRaw('cancel my order');
    const before = c.calibrated(raw);
    for (let i = 0; i < 30; i += 1) c.observe(raw, 'track_order');
    expect(c.calibrated(raw)).toBeLessThan(before / 2);
    expect(c.classify('cancel my order').topic).toBe(UNKNOWN_TOPIC);
  });

  it('is what the learner classifies with, learning only labelled tickets', () => {
    const learner = createLearner();
    EXAMPLES.forEach(([text, topic], i) => learner.learn({ kind: 'ticket', id: `r${i}`, at: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, message: { ticketId: `t${i}`, text, at: '2026-01-01T00:00:00Z' }, topic }));
    learner.learn({ kind: 'ticket', id: 'unlabelled', at: '2026-01-02T00:00:00Z', message: { ticketId: 'u', text: 'refund my money', at: '2026-01-02T00:00:00Z' } });
    expect(learner.classify('please cancel this order').topic).toBe('cancel_order');
    expect(learner.snapshotStats()).toMatchObject({ topics: 3, labelledTickets: 12 });
  });
});
