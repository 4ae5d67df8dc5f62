import { describe, expect, it } from 'vitest';
import { banditSettingsFor } from '../../../domain/bandit/banditSettings.js';
import { emptyBanditState } from '../../../domain/bandit/banditState.js';
import { chooseStrategy } from '../../../domain/bandit/strategyChoice.js';
import { suggestionInStrategy } from '../../../domain/learning/explanation.js';
import { createLearner } from '../../../domain/learning/learner.js';
import { ALL_STRATEGIES, applyStrategy, parseStrategyId, STRATEGY_IDS, strategyFreeContent } from '../../../domain/strategies.js';

const ANSWER = 'Go to Settings, then Security, and click Reset password. You will receive an email with a link that is valid for one hour. If the email does not arrive, check your spam folder.';
const DRAFT = `Hi Ann,\n\n${ANSWER}\n\nBest regards,\nSam`;

describe('strategy-free content', () => {
  it('takes back exactly what every strategy added (a detailed draft keeps all its content)', () => {
    for (const strategy of ALL_STRATEGIES.filter((s) => s.length === 'detailed')) {
      const shown = applyStrategy(DRAFT, strategy, { topic: 'password', seed: 'T-1' });
      expect(strategyFreeContent(shown).replace(/\s+/g, ' ')).toBe(DRAFT.replace(/\s+/g, ' '));
    }
    expect(strategyFreeContent(DRAFT)).toBe(DRAFT);
  });

  it('keeps drafts from past replies sent in a strategy from doubling strategy sentences', () => {
    const learner = createLearner();
    const message = (i: number) => ({ ticketId: `T-${i}`, text: 'How can I reset my password? I cannot remember it.', at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), channel: 'email' });
    learner.learn({ kind: 'ticket', id: 'r0', at: message(0).at, message: message(0), topic: 'password', reply: ANSWER, outcome: 'good' });
    for (let i = 1; i < 12; i++) {
      const content = learner.draft(message(i));
      const shown = applyStrategy(strategyFreeContent(content.draft), parseStrategyId(STRATEGY_IDS[i % 8]!)!, { topic: 'password', seed: `T-${i}` });
      learner.learn({ kind: 'ticket', id: `r${i}`, at: new Date(Date.parse(message(i).at) + 1000).toISOString(), message: message(i), topic: 'password', reply: shown, outcome: 'good', suggestion: { ...content, draft: shown } });
    }
    const content = learner.draft(message(20));
    const answerFirst = chooseStrategy({ state: emptyBanditState(), settings: banditSettingsFor({ controlShare: 0, epsilon: 0, explorationFloor: 0, defaultStrategy: 'answer.detailed.plain' }), features: [], tenantId: 't', ticketId: 'T-20', suggestionId: 's', risk: { highRisk: false, reasons: [] } });
    const shown = suggestionInStrategy(content, answerFirst, 'T-20').draft;
    expect(shown).toContain('Reset password');
    expect(shown).not.toMatch(/could you tell me/);
    expect(shown).not.toMatch(/In the meantime/);
    expect(shown.match(/Next steps:/g)).toHaveLength(1);
  });
});
