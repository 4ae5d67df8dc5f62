import { describe, expect, it } from 'vitest';
import { CandidateIndex } from '../../../domain/learning/candidateIndex.js';

const resolution = (id: number, templateId: string, question: string) => ({ kind: 'resolution' as const, id: `r${id}`, ticketId: `t${id}`, topic: 'password', templateId, question });

describe('candidate index', () => {
  it('lists equally similar questions newest first (the same question asked again word for word)', () => {
    const index = new CandidateIndex({ resolutionsPerTemplate: 50 });
    for (let i = 0; i < 5; i += 1) index.addResolution(resolution(i, 'password#1', 'Password reset'));
    for (let i = 5; i < 8; i += 1) index.addResolution(resolution(i, 'password#2', 'Password reset'));
    expect(index.find('Password reset', 4).map((f) => f.candidate.id)).toEqual(['r7', 'r6', 'r5', 'r4']);
  });

  it('keeps at most perTemplate questions of one template, so a phrasing answered many times does not hide the answers to the question as asked', () => {
    const index = new CandidateIndex({ resolutionsPerTemplate: 50 });
    // A shorter question that BM25 ranks above the one asked, answered 40 times from one template.
    for (let i = 0; i < 40; i += 1) index.addResolution(resolution(i, 'password#2', 'Password reset link never arrived'));
    for (let i = 40; i < 45; i += 1) index.addResolution(resolution(i, 'password#4', 'How do I reset my password?'));
    const uncapped = index.find('How do I reset my password?', 30);
    expect(uncapped.every((f) => f.candidate.kind === 'resolution' && f.candidate.templateId === 'password#2')).toBe(true);
    const capped = index.find('How do I reset my password?', 30, 12);
    const byTemplate = (id: string) => capped.filter((f) => f.candidate.kind === 'resolution' && f.candidate.templateId === id).length;
    expect(byTemplate('password#2')).toBe(12);
    expect(byTemplate('password#4')).toBe(5);
    // Scores still descend: the cap skips, it does not reorder.
    expect(capped.map((f) => f.score)).toEqual([...capped.map((f) => f.score)].sort((a, b) => b - a));
  });
});
