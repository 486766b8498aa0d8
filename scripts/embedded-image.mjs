// Part of `npm run build`: the embedded database image (every migration applied), which a fresh
// data directory is unpacked from on its first start. Runs on the compiled server in dist/.

import { migrations } from '../dist/migrations/index.js';
import {
  EMBEDDED_IMAGE,
  makeEmbeddedImage,
  writeEmbeddedImage,
} from '../dist/src/platform/db/embedded-image.js';

const started = performance.now();
await writeEmbeddedImage(EMBEDDED_IMAGE, await makeEmbeddedImage(migrations));
process.stderr.write(
  `embedded database image: ${EMBEDDED_IMAGE} (${Math.round(performance.now() - started)} ms)\n`,
);
