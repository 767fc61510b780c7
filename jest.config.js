// Three tiers by file suffix: *.spec.ts (pure, fast), *.int-spec.ts (real Kafka + PostgreSQL),
// *.e2e-spec.ts (over HTTP against running services), *.cluster-spec.ts (a 3-broker cluster of its
// own, a broker killed under load; once per `npm test`, not per Kafka line). Where they live: unit specs and a library's
// int-specs beside the code; an app's e2e (and process-level int) specs in apps/<app>/test/;
// specs across services in test/. Global set-up starts the same infrastructure `npm start` uses;
// see libs/testing/src/global-setup.ts.
const { paths, jsc } = require('./tools/swc-options');

const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    // The build's swc options: rewrites @carts/* here too (global set-up skips moduleNameMapper).
    { jsc },
  ],
};

// jose is ESM-only: Node 20.19+ requires it natively, Jest's CommonJS runtime does not, so Jest
// compiles it to CommonJS with the same swc (and only it: every other package is left alone).
transform['node_modules/jose/.+\\.js$'] = ['@swc/jest', { jsc: { target: jsc.target }, module: { type: 'commonjs' } }];
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];

const common = { rootDir: __dirname, moduleNameMapper, transform, transformIgnorePatterns, testEnvironment: 'node' };

module.exports = {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.{int,e2e}-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
    // Specs that start a Kafka cluster of their own (several brokers, one killed): `npm run
    // test:cluster`. Not yet part of `npm test`: see docs/operations.md, "A broker is lost".
    // The same global set-up (shared by path, so it runs once): the run's database and token key.
    {
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.cluster-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};
