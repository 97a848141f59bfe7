import { describe, expect, it } from 'vitest';
import { DEFAULT_TREND_RULE, scoreWindow, smoothedBaseline } from '../../src/domain/trends.js';

const rule = DEFAULT_TREND_RULE;
const steady = [20, 22, 19, 21, 20, 23, 18, 20, 22, 21, 19, 20, 21, 20];

describe('scoreWindow', () => {
  it('does not call a steady term a trend', () => {
    const score = scoreWindow({ history: steady, volume: 23, authors: 20 }, rule);
    expect(score.baseline).toBeGreaterThan(19);
    expect(score.baseline).toBeLessThan(22);
    expect(score.isTrend).toBe(false);
  });

  it('calls a sudden rise by many authors a trend', () => {
    const score = scoreWindow({ history: steady, volume: 80, authors: 60 }, rule);
    expect(score.zScore).toBeGreaterThan(rule.minZ);
    expect(score.isTrend).toBe(true);
  });

  it('does not call a rise carried by one author (or a handful) a trend', () => {
    const score = scoreWindow({ history: steady, volume: 80, authors: 1 }, rule);
    expect(score.zScore).toBeGreaterThan(rule.minZ);
    expect(score.isTrend).toBe(false);
    expect(scoreWindow({ history: steady, volume: 80, authors: rule.minAuthors - 1 }, rule).isTrend).toBe(false);
  });

  it('does not call a bots-only rise a trend: without bots the window holds the usual volume', () => {
    // The caller counts without suspected bots: 60 bot posts vanish, the humans' 21 remain.
    const humansOnly = scoreWindow({ history: steady, volume: 21, authors: 18 }, rule);
    expect(humansOnly.isTrend).toBe(false);
    const withBots = scoreWindow({ history: steady, volume: 81, authors: 78 }, rule);
    expect(withBots.isTrend).toBe(true);
  });

  it('is Poisson-aware: 0 → 3 posts is noise, 0 → 10 is a rise', () => {
    const silent = new Array(14).fill(0);
    const three = scoreWindow({ history: silent, volume: 3, authors: 3 }, { ...rule, minAuthors: 1 });
    expect(three.zScore).toBeLessThan(rule.minZ);
    expect(three.isTrend).toBe(false);
    expect(scoreWindow({ history: silent, volume: 10, authors: 10 }, rule).isTrend).toBe(true);
  });

  it('needs a wider swing from a term that always swings widely', () => {
    const swinging = [5, 60, 8, 70, 4, 65, 10, 55, 6, 75, 5, 60, 7, 66];
    expect(scoreWindow({ history: swinging, volume: 80, authors: 50 }, rule).isTrend).toBe(false);
    expect(scoreWindow({ history: steady, volume: 80, authors: 50 }, rule).isTrend).toBe(true);
  });

  it('never calls a fall a trend', () => {
    expect(scoreWindow({ history: steady, volume: 0, authors: 0 }, rule).zScore).toBeLessThan(0);
  });
});

describe('smoothedBaseline', () => {
  it('weighs recent windows more than old ones', () => {
    expect(smoothedBaseline([], 0.3)).toBe(0);
    expect(smoothedBaseline([10, 10, 10], 0.3)).toBeCloseTo(10);
    expect(smoothedBaseline([0, 0, 0, 30], 0.3)).toBeCloseTo(9);
    expect(smoothedBaseline([30, 0, 0, 0], 0.3)).toBeCloseTo(30 * 0.7 ** 3);
  });
});
