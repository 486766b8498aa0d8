/**
 * Voyage's layers, checked on every lint (`npm run lint:deps`):
 *
 *   main → cli | server → modules | release | gateway | ops | demo → config → platform
 *
 * Tests may compose anything (they build the app as the server does), so the layer rules look at
 * source files only; cycles are checked everywhere, type-only imports included.
 */
const SOURCE = '^src/.+\\.ts$';
const NOT_TEST = '\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle (type-only ones too) means two files are one concern split badly.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-knows-nothing-above',
      comment: 'platform/ is infrastructure: it owns its option types and knows no domain word.',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: NOT_TEST },
      to: { path: '^(src/(config|modules|server|cli|release|gateway|demo|ops)/|migrations/)' },
    },
    {
      name: 'config-reads-only-platform',
      comment: 'config/ maps the environment onto the option types platform/ declares.',
      severity: 'error',
      from: { path: '^src/config/', pathNot: NOT_TEST },
      to: { path: '^src/(modules|server|cli|release|gateway|demo|ops)/' },
    },
    {
      name: 'modules-stay-below-the-server',
      comment: 'Modules are mounted by the server; they never reach up into it or across to the edge.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: NOT_TEST },
      to: { path: '^src/(server|cli|gateway|release|demo|ops)/' },
    },
    {
      name: 'modules-meet-through-services',
      comment: 'A module calls another module’s service, never its repository.',
      severity: 'error',
      from: { path: '^src/modules/((cars/)?[^/]+)/', pathNot: NOT_TEST },
      to: { path: '^src/modules/.+/repository\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'gateway-reads-only-the-manifest',
      comment: 'The gateway routes by the modules’ prefixes and loads no module code.',
      severity: 'error',
      from: { path: '^src/gateway/', pathNot: NOT_TEST },
      to: { path: '^src/(modules/(?!manifest\\.ts$)|server/|cli/|release/|demo/|ops/)' },
    },
    {
      name: 'gateway-role-loads-no-module-code',
      comment: 'Starting the gateway role must not load a module, however indirectly.',
      severity: 'error',
      from: { path: '^src/server/serve-gateway\\.ts$' },
      to: { path: '^src/modules/(?!manifest\\.ts$)', reachable: true },
    },
    {
      name: 'release-stands-alone',
      comment: 'The release controller runs beside any version of the service; it imports none of it.',
      severity: 'error',
      from: { path: '^src/release/', pathNot: NOT_TEST },
      to: { path: '^src/(modules|server|cli|gateway|demo)/' },
    },
    {
      name: 'server-is-started-not-imported',
      comment: 'Only the CLI (and the demo, for the context type) build on the server.',
      severity: 'error',
      from: { path: '^src/(platform|config|modules|gateway|release|ops)/', pathNot: NOT_TEST },
      to: { path: '^src/server/' },
    },
    {
      name: 'cli-is-the-top',
      comment: 'Commands are adapters; nothing but the entry point imports them.',
      severity: 'error',
      from: { path: SOURCE, pathNot: `^src/(cli/|main\\.ts$)|${NOT_TEST}` },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: `import type` cycles are cycles.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(node_modules|dist|data)/' },
  },
};
