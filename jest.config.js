// Three tiers by file suffix: *.spec.ts (pure, fast), *.int-spec.ts (real Kafka + PostgreSQL),
// *.e2e-spec.ts (over HTTP against running services). Global set-up starts the same
// infrastructure `npm start` uses; see libs/testing/src/global-setup.ts.
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

const common = { rootDir: __dirname, moduleNameMapper, transform, testEnvironment: 'node' };

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
  ],
};
