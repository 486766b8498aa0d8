import { Button } from 'react-aria-components';
import { errorSentence, isNetworkError } from '../api/errors';
import { t } from '../i18n';

/** An error as a sentence, with a retry when the failure may pass (network, 5xx). */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div role="alert" className="banner error">
      <p>{errorSentence(error)}</p>
      {onRetry && isNetworkError(error) && (
        <Button className="button secondary" onPress={onRetry}>
          {t.app.retry}
        </Button>
      )}
    </div>
  );
}
