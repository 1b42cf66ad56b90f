import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * The weakest zxcvbn score a new password may have. Score 2 means the
 * estimator needs more than 10^6 guesses ("somewhat guessable: protection
 * from unthrottled online attacks"); below it sit the bundled list of common
 * passwords, keyboard walks, repeats and sequences such as `12345678`,
 * `qwertyuiop`, `aaaaaaaa` or eight spaces.
 */
export const MIN_PASSWORD_SCORE = 2;

/** Why a password was refused, worded for the person choosing it. */
export interface PasswordProblem {
  message: string;
}

// One estimator for the process: building it indexes the bundled dictionaries
// (about 30 ms), and checking a password then takes about a millisecond. It
// reads only what the packages ship: no network, ever.
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  return estimator;
}

/**
 * Checks a new password offline against common and trivially weak ones
 * (zxcvbn-ts with its bundled common-password list). `context` holds what the
 * account already says about its owner (email, name), which a password must
 * not merely repeat.
 * @returns the problem, or undefined when the password is acceptable.
 */
export function passwordProblem(
  password: string,
  context: readonly string[] = [],
): PasswordProblem | undefined {
  if (password.trim().length === 0) return { message: 'must not be only spaces' };
  const result = zxcvbn().check(password, expandContext(context));
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  return { message: explain(result) };
}

/** An email's local part and the words of a name are guessable on their own too. */
function expandContext(context: readonly string[]): string[] {
  const words = new Set<string>();
  for (const value of context) {
    if (!value) continue;
    words.add(value);
    if (value.includes('@')) words.add(value.slice(0, value.lastIndexOf('@')));
    for (const part of value.split(/[@\s._+-]+/)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

function explain(result: ZxcvbnResult): string {
  const warning = result.feedback.warning ? WARNINGS[result.feedback.warning] : undefined;
  return `is too easy to guess${warning ? ` (${warning})` : ''}: use a longer passphrase of several unrelated words`;
}

// zxcvbn-ts reports warnings as keys; the English sentences live in a
// separate language package we do not need for anything else.
const WARNINGS: Record<string, string> = {
  straightRow: 'a straight row of keys',
  keyPattern: 'a keyboard pattern',
  simpleRepeat: 'a repeated character',
  extendedRepeat: 'a repeated pattern',
  sequences: 'a sequence such as abc or 123',
  recentYears: 'a recent year',
  dates: 'a date',
  topTen: 'one of the ten most used passwords',
  topHundred: 'one of the hundred most used passwords',
  common: 'a commonly used password',
  similarToCommon: 'too close to a commonly used password',
  wordByItself: 'a single word',
  namesByThemselves: 'a single name',
  commonNames: 'a common name',
  userInputs: 'made from your email or name',
  pwned: 'found in a data breach',
};
