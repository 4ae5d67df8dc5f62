import { describe, expect, it } from 'vitest';
import { contentTerms, diceSimilarity, indexTerm, normaliseForComparison } from '../../../domain/text/normalise.js';
import { sentenceTexts, splitSentences } from '../../../domain/text/sentences.js';
import { detectLanguage } from '../../../domain/text/language.js';
import { analyseSentiment } from '../../../domain/text/sentiment.js';
import { assessFrustration } from '../../../domain/text/frustration.js';
import { extractTextFeatures } from '../../../domain/text/textFeatures.js';

describe('normalisation', () => {
  it('stems, drops stop words, single letters and pure numbers', () => {
    expect(contentTerms('How can I cancel my orders 113542617735902?')).toEqual(['cancel', 'order']);
    expect(contentTerms('Canceling the ORDER')).toEqual(['cancel', 'order']);
    expect(indexTerm('the')).toBeNull();
    expect(indexTerm('12345')).toBeNull();
  });

  it('compares texts case- and whitespace-insensitively', () => {
    expect(normaliseForComparison('  Hello\n\n  World ')).toBe('hello world');
  });

  it('measures term-set overlap with the Dice coefficient', () => {
    expect(diceSimilarity(new Set(['a', 'b']), new Set(['a', 'b']))).toBe(1);
    expect(diceSimilarity(new Set(['a', 'b']), new Set(['b', 'c']))).toBe(0.5);
    expect(diceSimilarity(new Set(), new Set())).toBe(0);
  });
});

describe('sentence splitting', () => {
  const text = 'Thanks for writing. I can help!\n\n1. Log in\n2. Open {{Order Details}}.\nE.g. the price is 3.50 dollars, Mr. Smith.';

  it('splits lines and sentences, keeping abbreviations and decimals inside sentences', () => {
    expect(sentenceTexts(text)).toEqual([
      'Thanks for writing.',
      'I can help!',
      '1. Log in',
      '2. Open {{Order Details}}.',
      'E.g. the price is 3.50 dollars, Mr. Smith.',
    ]);
  });

  it('reports offsets that point back into the source text', () => {
    for (const span of splitSentences(text)) expect(text.slice(span.start, span.end)).toBe(span.text);
  });
});

describe('language detection', () => {
  it('names the language of a clear sentence', () => {
    expect(detectLanguage('I would like to cancel my order and get my money back please').language).toBe('en');
    expect(detectLanguage('Je voudrais annuler ma commande et être remboursé').language).toBe('fr');
  });

  it('answers und for text no language profile fits', () => {
    expect(detectLanguage('qwxz blorf fnargle').language).toBe('und');
  });
});

describe('sentiment and frustration', () => {
  it('labels clearly negative and positive messages', () => {
    expect(analyseSentiment('This is terrible, the worst service ever').label).toBe('negative');
    expect(analyseSentiment('Thank you so much, this is great!').label).toBe('positive');
    expect(analyseSentiment('Where is my order').label).toBe('neutral');
  });

  it('reads escalation words, shouting and repeated punctuation as frustration', () => {
    const angry = assessFrustration('This is UNACCEPTABLE!!! I am calling my LAWYER');
    expect(angry.level).toBe('frustrated');
    expect(angry.signals.join(' ')).toMatch(/lawyer/);
    expect(angry.signals).toContain('ALL CAPS');
    expect(angry.signals).toContain('repeated !/?');
    expect(assessFrustration('Could you tell me where my parcel is?').level).toBe('calm');
  });

  it('raises frustration with each repeated contact', () => {
    const once = assessFrustration('Where is my parcel?', { priorContacts: 0 }).score;
    const thrice = assessFrustration('Where is my parcel?', { priorContacts: 3 }).score;
    expect(thrice).toBeGreaterThan(once);
    expect(assessFrustration('Where is my parcel?', { priorContacts: 3 }).signals).toContain('3 prior contacts');
  });

  it('bundles language, sentiment and frustration for one message', () => {
    const features = extractTextFeatures('I have asked three times, this is ridiculous and I want a refund', { priorContacts: 2 });
    expect(features.language.language).toBe('en');
    expect(features.sentiment.label).toBe('negative');
    expect(features.frustration.score).toBeGreaterThan(0.5);
    expect(features.wordCount).toBe(13);
  });
});
