import { defineMigration } from '../src/platform/db/migrator.js';

// What each email said, as sent: operators read it in the console rather than in a mailbox.
export default defineMigration({
  up: `
    ALTER TABLE notification_deliveries ADD COLUMN body_text text, ADD COLUMN body_html text;
  `,
  down: `
    ALTER TABLE notification_deliveries DROP COLUMN body_text, DROP COLUMN body_html;
  `,
});
