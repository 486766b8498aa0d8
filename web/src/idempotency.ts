/** One key per booking attempt: made when the user presses Book, reused if that attempt is retried. */
export const newAttemptKey = () => crypto.randomUUID();
