import { describe, expect, it } from 'vitest';
import {
  ACKNOWLEDGEMENTS,
  ALL_STRATEGIES,
  applyStrategy,
  clarifyingQuestion,
  nextStepsSentence,
  parseStrategyId,
  STRATEGY_IDS,
  strategyCandidates,
  strategyId,
  type ResponseStrategy,
} from '../../domain/strategies.js';

const DRAFT = `Hi Anna,

Refunds go back to the original card within five working days. You will get an email once it is issued.
If you paid by invoice, the credit shows on your next invoice instead. You can see every refund under Billing, then History.

Best regards,
Sam`;
const ctx = { topic: 'billing-refund', seed: 'ticket-42' };
const strategy = (id: string): ResponseStrategy => parseStrategyId(id)!;

describe('response strategies', () => {
  it('has 8 combinations with stable, round-tripping ids', () => {
    expect(STRATEGY_IDS).toEqual([
      'answer.concise.plain', 'answer.concise.acknowledge', 'answer.detailed.plain', 'answer.detailed.acknowledge',
      'clarify.concise.plain', 'clarify.concise.acknowledge', 'clarify.detailed.plain', 'clarify.detailed.acknowledge',
    ]);
    for (const s of ALL_STRATEGIES) expect(parseStrategyId(strategyId(s))).toEqual(s);
    expect(parseStrategyId('answer.short.plain')).toBeUndefined();
    expect(parseStrategyId('answer.concise.plain.x')).toBeUndefined();
  });

  it('concise keeps the first two content sentences, and greeting and sign-off in place', () => {
    expect(applyStrategy(DRAFT, strategy('answer.concise.plain'), ctx)).toBe(
      'Hi Anna,\n\nRefunds go back to the original card within five working days. You will get an email once it is issued.\n\nBest regards,\nSam',
    );
    const one = applyStrategy(DRAFT, strategy('answer.concise.plain'), { ...ctx, conciseSentences: 1 });
    expect(one).toContain('five working days.');
    expect(one).not.toContain('You will get an email');
  });

  it('detailed keeps every sentence (line breaks too) and adds next steps once', () => {
    const detailed = applyStrategy(DRAFT, strategy('answer.detailed.plain'), ctx);
    expect(detailed).toContain('once it is issued.\nIf you paid by invoice');
    expect(detailed).toContain('Billing, then History.');
    expect(detailed).toContain(nextStepsSentence('billing-refund'));
    expect(nextStepsSentence('billing-refund')).toContain('billing refund question');
    expect(detailed.endsWith('Best regards,\nSam')).toBe(true);
    const hasNextSteps = 'Reset the password under Settings. Let us know if the link does not arrive.';
    expect(applyStrategy(hasNextSteps, strategy('answer.detailed.plain'), ctx)).toBe(hasNextSteps);
  });

  it('acknowledge puts one acknowledgement first (after the greeting), chosen by the seed', () => {
    const text = applyStrategy(DRAFT, strategy('answer.concise.acknowledge'), ctx);
    const blocks = text.split('\n\n');
    expect(blocks[0]).toBe('Hi Anna,');
    expect(ACKNOWLEDGEMENTS).toContain(blocks[1]);
    expect(applyStrategy(DRAFT, strategy('answer.concise.acknowledge'), ctx)).toBe(text);
    const used = new Set(Array.from({ length: 40 }, (_, i) => applyStrategy('The fix is live.', strategy('answer.concise.acknowledge'), { seed: `t${i}` }).split('\n\n')[0]));
    expect(used.size).toBeGreaterThan(1);
    expect([...used].every((s) => (ACKNOWLEDGEMENTS as readonly string[]).includes(s!))).toBe(true);
  });

  it('clarify asks about the topic before the answer', () => {
    const text = applyStrategy(DRAFT, strategy('clarify.concise.plain'), ctx);
    const blocks = text.split('\n\n');
    expect(blocks[1]).toBe(clarifyingQuestion('billing-refund'));
    expect(blocks[1]).toMatch(/billing refund question.*\?$/);
    expect(blocks[2]).toMatch(/^In the meantime, here is what usually solves it:\nRefunds go back/);
    expect(clarifyingQuestion('unknown')).not.toContain('unknown');
    expect(clarifyingQuestion(undefined)).toMatch(/\?$/);
  });

  it('orders acknowledgement, question, answer, next steps, sign-off', () => {
    const text = applyStrategy(DRAFT, strategy('clarify.detailed.acknowledge'), ctx);
    const positions = [ACKNOWLEDGEMENTS.find((a) => text.includes(a))!, clarifyingQuestion('billing-refund'), 'Refunds go back', nextStepsSentence('billing-refund'), 'Best regards,'].map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('plain answer of a draft without greeting or sign-off is the draft itself', () => {
    const draft = 'Orders ship within two days. Tracking links arrive by email.';
    expect(applyStrategy(draft, strategy('answer.concise.plain'), ctx)).toBe(draft);
    expect(applyStrategy('', strategy('answer.detailed.plain'), ctx)).toBe('');
    expect(applyStrategy('', strategy('clarify.concise.plain'), ctx)).toBe(clarifyingQuestion('billing-refund'));
  });

  it('builds the candidate set as content × strategy', () => {
    const candidates = strategyCandidates([{ contentId: 'tpl-1', text: DRAFT }, { contentId: 'kb-7', text: 'Orders ship within two days.' }], ctx);
    expect(candidates).toHaveLength(16);
    expect(new Set(candidates.map((c) => c.candidateId)).size).toBe(16);
    expect(candidates[0]).toMatchObject({ candidateId: 'tpl-1|answer.concise.plain', contentId: 'tpl-1', strategyId: 'answer.concise.plain' });
    expect(candidates.find((c) => c.candidateId === 'kb-7|clarify.detailed.plain')!.text).toContain(clarifyingQuestion('billing-refund'));
  });
});
