// Lint is deliberately small: the type checker does most of the work. What lint adds is the
// architecture: the import table of docs/architecture.md ("Folder map"), enforced per folder, so
// the layering cannot drift silently. Tests (*.spec.ts, *.int-spec.ts, *.e2e-spec.ts, test/
// folders, libs/testing) may import anything.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const LIBS = ['domain', 'contracts', 'event-log', 'read-model', 'config', 'http', 'infra', 'operations', 'tracing', 'testing'];
const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.cluster-spec.ts', '**/test/**', 'test/**', 'libs/testing/**'];

/** Only these @carts/* libraries (and no test helpers); `extra` bans further packages. */
function mayImport(folder, allowed, extra = [], typeOnly = []) {
  const banned = LIBS.filter((lib) => !allowed.includes(lib) && !typeOnly.includes(lib));
  const patterns = [
    ...(banned.length ? [{ group: banned.map((lib) => `@carts/${lib}`), message: `${folder} may import only ${allowed.join(', ') || 'no other library'} (docs/architecture.md, Folder map).` }] : []),
    ...typeOnly.map((lib) => ({ group: [`@carts/${lib}`], allowTypeImports: true, message: `${folder} may use only the types of @carts/${lib} (docs/architecture.md).` })),
    { group: ['**/testing/**', '**/testing'], message: 'Production code never imports a test helper.' },
    ...extra,
  ];
  return { files: [`${folder}/**/*.ts`], ignores: TESTS, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
}

const onlyEventLogSpeaksKafka = { group: ['kafkajs'], message: 'kafkajs is imported by libs/event-log only: the client stays one adapter.' };
const noDatabase = { group: ['typeorm', 'pg'], message: 'No database access here (libs/read-model owns it).' };
const noFramework = { group: ['@nestjs/*', 'fastify'], message: 'No framework here: this library is plain TypeScript.' };

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['libs/cart-domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'kafkajs', 'typeorm', 'pg', '@carts/*', 'node:*'], message: 'The cart domain is pure: no framework, broker, database or infrastructure imports.' },
          ],
        },
      ],
    },
  },
  // The console's page: a browser module, no build step; only the browser APIs it uses.
  {
    files: ['apps/*/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['document', 'location', 'history', 'sessionStorage', 'fetch', 'CSS', 'setTimeout', 'clearTimeout'].map((name) => [name, 'readonly'])),
    },
  },
  mayImport('libs/contracts', ['domain'], [onlyEventLogSpeaksKafka, noDatabase, noFramework]),
  mayImport('libs/config', [], [onlyEventLogSpeaksKafka, noDatabase]),
  mayImport('libs/tracing', ['config'], [onlyEventLogSpeaksKafka, noDatabase, noFramework]),
  mayImport('libs/event-log', ['contracts', 'config', 'tracing'], [noDatabase, noFramework]),
  mayImport('libs/read-model', ['domain', 'contracts', 'config'], [onlyEventLogSpeaksKafka], ['event-log']),
  mayImport('libs/http-kit', ['config', 'tracing'], [onlyEventLogSpeaksKafka, noDatabase]),
  mayImport('libs/infra', ['event-log'], [onlyEventLogSpeaksKafka, noFramework]),
  mayImport('libs/operations', ['contracts', 'event-log', 'read-model', 'config'], [onlyEventLogSpeaksKafka, noFramework]),
  ...['command-service', 'projector', 'query-service', 'cartctl', 'console'].map((app) =>
    mayImport(`apps/${app}`, LIBS.filter((lib) => lib !== 'testing'), [onlyEventLogSpeaksKafka])),
  mayImport('tools', LIBS.filter((lib) => lib !== 'testing'), [onlyEventLogSpeaksKafka]),
);
