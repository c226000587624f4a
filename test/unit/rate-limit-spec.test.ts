import { describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../src/lib/rate-limit-spec.js';

describe('parseRateLimit', () => {
  it.each([
    ['5/minute', { points: 5, durationSeconds: 60 }],
    ['10/second', { points: 10, durationSeconds: 1 }],
    ['100/hour', { points: 100, durationSeconds: 3600 }],
    ['1/day', { points: 1, durationSeconds: 86_400 }],
    [' 3 / minutes ', { points: 3, durationSeconds: 60 }],
    ['20/Hours', { points: 20, durationSeconds: 3600 }],
  ])('%j → %j', (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
  });

  it.each([
    '0/minute',
    'five/minute',
    '5/week',
    '5',
    '',
    '-5/minute',
    '5.5/minute',
    '5/',
    '/minute',
    '5/minute/hour',
  ])('rejects %j', (text) => {
    expect(parseRateLimit(text)).toBeUndefined();
  });
});
