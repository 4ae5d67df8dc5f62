// Upper tails of the negative binomial (and Poisson) for the windowed count test (countWindows.ts).
import { gammaln } from 'simple-statistics';

/** P(X ≥ k) for a negative binomial with mean μ and size r (Poisson when r is huge). */
export function upperTail(k: number, mu: number, r: number): number {
  return tailAndMass(k, mu, r).tail;
}

/**
 * P(X ≥ k) and P(X = k) for a negative binomial with mean μ and size r (Poisson when r is huge),
 * summed upwards from k so tiny tails keep their precision. simple-statistics has gammaln but no
 * NB/Poisson upper tail (its poissonDistribution tabulates from 0 and stops short of 1e-5 tails).
 */
export function tailAndMass(k: number, mu: number, r: number): { tail: number; mass: number } {
  if (k <= 0) return { tail: 1, mass: mu <= 0 ? 1 : Math.exp(-mu) };
  if (mu <= 0) return { tail: 0, mass: 0 };
  const poisson = !Number.isFinite(r) || r > 1e8;
  let logTerm = poisson
    ? k * Math.log(mu) - mu - gammaln(k + 1)
    : gammaln(k + r) - gammaln(r) - gammaln(k + 1) + r * Math.log(r / (r + mu)) + k * Math.log(mu / (r + mu));
  let term = Math.exp(logTerm);
  const mass = term;
  let sum = term;
  for (let j = k; j < k + 100_000; j++) {
    const ratio = poisson ? mu / (j + 1) : ((j + r) / (j + 1)) * (mu / (r + mu));
    term *= ratio;
    logTerm += Math.log(ratio);
    sum += term;
    if (term < sum * 1e-12 && ratio < 1) break;
  }
  return { tail: Math.min(1, sum), mass };
}
