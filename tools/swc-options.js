// The one swc configuration: `npm run build` (tools/build.js) and Jest (jest.config.js) compile
// the same TypeScript the same way. Path aliases (@carts/*) are rewritten to relative imports.
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { paths } = require(path.join(root, 'tsconfig.json')).compilerOptions;

const jsc = {
  parser: { syntax: 'typescript', decorators: true },
  transform: { legacyDecorator: true, decoratorMetadata: true },
  target: 'es2022',
  baseUrl: root,
  paths,
  keepClassNames: true,
};

module.exports = { root, paths, jsc };
