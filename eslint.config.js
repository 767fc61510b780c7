// Lint is deliberately small: the type checker does most of the work. The one architectural
// rule that matters is that the cart domain stays pure (no framework, broker or database).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'kafkajs', 'typeorm', 'pg', '@carts/*', 'node:*'], message: 'The cart domain is pure: no framework, broker, database or infrastructure imports.' },
          ],
        },
      ],
    },
  },
);
