import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { badRequest } from '../../platform/http/errors.js';

/**
 * Voyage's password policy: 8–256 characters (the zod schema), and not guessable — zxcvbn-ts with
 * the common-password and keyboard-pattern lists of @zxcvbn-ts/language-common must score it 2
 * ("somewhat guessable", about 10^8 guesses) or better. "aaaaaaaa", "password1" and "qwertyuiop"
 * fail; a few unrelated words pass.
 */
export const MIN_PASSWORD_SCORE = 2;

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary },
  graphs: common.adjacencyGraphs,
});

export function checkPasswordPolicy(password: string, userInputs: string[] = []): void {
  const result = zxcvbn.check(password, userInputs);
  if (result.score < MIN_PASSWORD_SCORE) {
    throw badRequest('weak_password', 'This password is too easy to guess: use a longer, less common one', {
      score: result.score,
      minScore: MIN_PASSWORD_SCORE,
    });
  }
}
