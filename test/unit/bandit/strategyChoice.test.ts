import { describe, expect, it } from 'vitest';
import { banditFeatures } from '../../../domain/bandit/banditContext.js';
import { allowedFeatures, banditSettingsFor, DEFAULT_BANDIT_SETTINGS, isControlTicket, modelConfig } from '../../../domain/bandit/banditSettings.js';
import { emptyBanditState, foldBandit, type BanditRow } from '../../../domain/bandit/banditState.js';
import { assessRisk } from '../../../domain/bandit/highRisk.js';
import { armsWithDefaultFirst, chooseStrategy, describeStrategyChoice, type StrategyChoice } from '../../../domain/bandit/strategyChoice.js';
import { suggestionInStrategy } from '../../../domain/learning/explanation.js';
import type { Suggestion } from '../../../domain/learning/records.js';
import { STRATEGY_IDS } from '../../../domain/strategies.js';

const CALM_DEV = banditFeatures({ segment: 'smb', role: 'developer', frustration: 'calm', channel: 'email', topic: 'api' });
const FRUSTRATED_USER = banditFeatures({ segment: 'smb', role: 'end-user', frustration: 'frustrated', channel: 'email', topic: 'api' });
const NO_RISK = { highRisk: false, reasons: [] };
const settings = (overrides = {}) => banditSettingsFor({ controlShare: 0, ...overrides });
const choose = (state = emptyBanditState(), over: Partial<Parameters<typeof chooseStrategy>[0]> = {}) =>
  chooseStrategy({ state, settings: settings(), features: CALM_DEV, tenantId: 't', ticketId: 'T-1', suggestionId: 's-1', risk: NO_RISK, ...over });

let n = 0;
const rows = (features: string[], arm: string, reward: number, count: number): BanditRow[] =>
  Array.from({ length: count }, () => ({ id: `r${String(n++).padStart(5, '0')}`, at: '2026-03-01T00:00:00Z', features, arm, propensity: 1 / 8, reward }));
/** Developers do well with detailed answers, frustrated end users with an acknowledgement. */
const learned = foldBandit([
  ...rows(CALM_DEV, 'answer.detailed.plain', 0.9, 20),
  ...rows(CALM_DEV, 'answer.concise.acknowledge', 0.3, 20),
  ...rows(FRUSTRATED_USER, 'answer.concise.acknowledge', 0.9, 20),
  ...rows(FRUSTRATED_USER, 'answer.detailed.plain', 0.3, 20),
]);

describe('bandit settings', () => {
  it('defaults, overrides and the model part', () => {
    expect(banditSettingsFor({})).toEqual(DEFAULT_BANDIT_SETTINGS);
    expect(banditSettingsFor({ epsilon: 0.3, features: [] })).toMatchObject({ epsilon: 0.3, features: [], controlShare: 0.05 });
    expect(Object.keys(modelConfig(DEFAULT_BANDIT_SETTINGS)).sort()).toEqual(['contextRidge', 'epsilon', 'explorationFloor', 'maxValuesPerFeature', 'noise', 'priorMean', 'ridge']);
  });

  it('keeps only the allowed context features; [] is context-free', () => {
    expect(allowedFeatures(CALM_DEV, ['role', 'topic'])).toEqual(['role=developer', 'topic=api']);
    expect(allowedFeatures(CALM_DEV, [])).toEqual([]);
  });

  it('puts a stable, share-sized random sample of tickets on the control arm', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `T-${i}`);
    const share = ids.filter((id) => isControlTicket('acme', id, 0.05)).length / ids.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    expect(ids.filter((id) => isControlTicket('acme', id, 0.05))).toEqual(ids.filter((id) => isControlTicket('acme', id, 0.05)));
    expect(ids.some((id) => isControlTicket('acme', id, 0))).toBe(false);
    expect(ids.every((id) => isControlTicket('acme', id, 1))).toBe(true);
    // Another tenant's sample is a different one.
    expect(ids.filter((id) => isControlTicket('other', id, 0.05))).not.toEqual(ids.filter((id) => isControlTicket('acme', id, 0.05)));
  });
});

describe('high-risk tickets', () => {
  it('flags escalation cues, not frustration alone', () => {
    expect(assessRisk({ frustrationSignals: ['anger: ridiculous', 'ALL CAPS'] })).toEqual({ highRisk: false, reasons: [] });
    expect(assessRisk({ frustrationSignals: ['threat: lawyer'] }).reasons).toEqual(['threat: lawyer']);
    expect(assessRisk({ frustrationSignals: ['escalation: manager'] }).highRisk).toBe(true);
    expect(assessRisk({ escalations: 1 }).reasons).toEqual(['ticket already escalated']);
    expect(assessRisk({ reopens: 2 }).reasons).toEqual(['ticket reopened']);
    expect(assessRisk({ priority: 'Urgent' }).reasons).toEqual(['urgent priority']);
    expect(assessRisk({ priorContacts: 1 }).highRisk).toBe(false);
    expect(assessRisk({ priorContacts: 2 }).reasons).toEqual(['2 prior contacts']);
  });
});

describe('choosing a strategy', () => {
  it('an untrained bandit exploiting uses the default strategy', () => {
    expect(armsWithDefaultFirst('clarify.concise.plain')[0]).toBe('clarify.concise.plain');
    expect(armsWithDefaultFirst('clarify.concise.plain')).toHaveLength(STRATEGY_IDS.length);
    const choice = choose(emptyBanditState(), { settings: settings({ epsilon: 0, explorationFloor: 0, defaultStrategy: 'clarify.concise.plain' }) });
    expect(choice).toMatchObject({ id: 'clarify.concise.plain', opening: 'clarify', length: 'concise', tone: 'plain', policy: 'bandit', propensity: 1, explored: false, learnedFrom: 0 });
  });

  it('picks what worked in the context, with the runner-up and the features that decided', () => {
    const exploit = settings({ epsilon: 0, explorationFloor: 0 });
    const dev = choose(learned, { settings: exploit });
    const user = choose(learned, { settings: exploit, features: FRUSTRATED_USER });
    expect(dev.id).toBe('answer.detailed.plain');
    expect(user.id).toBe('answer.concise.acknowledge');
    expect(dev.runnerUp).not.toBeNull();
    expect(dev.expectedReward).toBeGreaterThan(dev.runnerUp!.expectedReward);
    expect(dev.deciding[0]!.difference).toBeGreaterThan(0);
    expect(user.deciding.map((d) => d.feature)).toEqual(expect.arrayContaining(['role=end-user']));
    expect(dev.features).toEqual(CALM_DEV);
    expect(dev.learnedFrom).toBe(80);
  });

  it('reads only the allowed features: context-free, one choice for both contexts', () => {
    const contextFree = settings({ epsilon: 0, explorationFloor: 0, features: [] });
    const state = foldBandit([...rows([], 'answer.detailed.plain', 0.6, 20), ...rows([], 'answer.concise.acknowledge', 0.6, 19)]);
    const a = choose(state, { settings: contextFree });
    const b = choose(state, { settings: contextFree, features: FRUSTRATED_USER });
    expect(a.features).toEqual([]);
    expect(a.id).toBe(b.id);
    expect(a.deciding).toEqual([]);
  });

  it('explores with logged propensities, the same draw for the same suggestion id', () => {
    const explore = settings({ epsilon: 1, explorationFloor: 1 });
    const choices = Array.from({ length: 400 }, (_, i) => choose(learned, { settings: explore, suggestionId: `s-${i}` }));
    expect(choices.every((c) => Math.abs(c.propensity - 1 / 8) < 1e-9)).toBe(true);
    expect(new Set(choices.map((c) => c.id)).size).toBe(8);
    expect(choices.filter((c) => c.explored).length).toBeGreaterThan(300);
    expect(choose(learned, { settings: explore, suggestionId: 's-7' })).toEqual(choices[7]);
  });

  it('never explores a high-risk ticket', () => {
    const explore = settings({ epsilon: 1, explorationFloor: 1 });
    const risk = assessRisk({ frustrationSignals: ['threat: chargeback'] });
    for (let i = 0; i < 100; i++) {
      const c = choose(learned, { settings: explore, suggestionId: `s-${i}`, risk });
      expect(c).toMatchObject({ id: 'answer.detailed.plain', propensity: 1, explored: false, highRisk: true, highRiskReasons: ['threat: chargeback'] });
    }
  });

  it('keeps control-arm tickets on the default strategy with propensity 1', () => {
    const control = choose(learned, { settings: banditSettingsFor({ controlShare: 1, defaultStrategy: 'clarify.detailed.acknowledge' }), features: FRUSTRATED_USER });
    expect(control).toMatchObject({ policy: 'control', id: 'clarify.detailed.acknowledge', propensity: 1, explored: false, runnerUp: null, deciding: [] });
    expect(describeStrategyChoice(control)).toMatch(/control arm/);
  });
});

describe('the suggestion in its strategy', () => {
  const suggestion = {
    suggestionId: 's',
    ticketId: 'T-1',
    topic: { topic: 'password-reset', confidence: 0.9, best: 'password-reset' },
    draft: 'Hi Ann,\nGo to Settings. Click Reset password. You will get an email.\nBest regards,\nSam',
    explanation: { summary: 'Topic password-reset (90% sure).' },
  } as unknown as Suggestion;
  const exploit = settings({ epsilon: 0, explorationFloor: 0 });

  it('rewrites the draft and names chosen vs runner-up and the deciding features in the explanation', () => {
    const choice: StrategyChoice = { ...choose(learned, { settings: exploit, features: FRUSTRATED_USER }) };
    const shown = suggestionInStrategy(suggestion, choice, 'T-1');
    expect(shown.draft).not.toBe(suggestion.draft);
    expect(shown.draft.startsWith('Hi Ann,')).toBe(true);
    expect(shown.draft).toMatch(/sorry|understand|bearing with us/i);
    const summary = shown.explanation.summary;
    expect(summary).toContain('Topic password-reset');
    expect(summary).toContain(`Strategy answer.concise.acknowledge, expected reward ${choice.expectedReward.toFixed(2)} vs ${choice.runnerUp!.expectedReward.toFixed(2)} for the runner-up ${choice.runnerUp!.id}`);
    expect(summary).toContain(choice.deciding[0]!.feature);
  });

  it('leaves an empty draft empty', () => {
    const shown = suggestionInStrategy({ ...suggestion, draft: '' }, choose(learned, { settings: exploit }), 'T-1');
    expect(shown.draft).toBe('');
  });

  it('says when it explored and when the ticket was high-risk', () => {
    const explored = describeStrategyChoice({ ...choose(learned, { settings: exploit }), explored: true, propensity: 0.0125 });
    expect(explored).toMatch(/Exploring: chosen with probability 1\.3%/);
    const risky = describeStrategyChoice({ ...choose(learned, { settings: exploit }), highRisk: true, highRiskReasons: ['ticket reopened'] });
    expect(risky).toMatch(/High-risk ticket \(ticket reopened\): no exploration/);
  });
});
