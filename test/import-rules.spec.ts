import { ESLint } from 'eslint';

/**
 * The import table of docs/architecture.md is enforced by eslint.config.js; these cases prove
 * the rules bite (a rule that silently matched nothing would let the architecture drift).
 */
describe('import rules (docs/architecture.md, Folder map)', () => {
  // The project's own config, passed in: ESLint would load it with a dynamic import Jest's VM lacks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const eslint = new ESLint({ cwd: `${__dirname}/..`, overrideConfigFile: true, overrideConfig: require('../eslint.config.js') });
  const violations = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
  };

  it.each([
    ['libs/cart-domain/src/x.ts', "import { randomUUID } from 'node:crypto';\nexport const x = randomUUID;", /pure/],
    ['libs/contracts/src/x.ts', "import { createKafka } from '@carts/event-log';\nexport const x = createKafka;", /may import only domain/],
    ['libs/config/src/x.ts', "import { topicNames } from '@carts/contracts';\nexport const x = topicNames;", /may import only no other library/],
    ['libs/read-model/src/x.ts', "import { createKafka } from '@carts/event-log';\nexport const x = createKafka;", /only the types of @carts\/event-log/],
    ['libs/event-log/src/x.ts', "import { Logger } from '@nestjs/common';\nexport const x = Logger;", /No framework here/],
    ['libs/tracing/src/x.ts', "import { createKafka } from '@carts/event-log';\nexport const x = createKafka;", /may import only config/],
    ['libs/tracing/src/x.ts', "import { Logger } from '@nestjs/common';\nexport const x = Logger;", /No framework here/],
    ['libs/infra/src/x.ts', "import { isTracing } from '@carts/tracing';\nexport const x = isTracing;", /may import only event-log/],
    ['libs/http-kit/src/x.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;", /No database access/],
    ['apps/query-service/src/x.ts', "import { Kafka } from 'kafkajs';\nexport const x = Kafka;", /kafkajs is imported by libs\/event-log only/],
    ['libs/infra/src/x.ts', "import { Kafka } from 'kafkajs';\nexport const x = Kafka;", /kafkajs is imported by libs\/event-log only/],
    ['apps/command-service/src/x.ts', "import { waitFor } from '@carts/testing';\nexport const x = waitFor;", /may import only/],
    ['libs/read-model/src/x.ts', "import { spec } from '../../cart-domain/src/testing/cart-fixtures';\nexport const x = spec;", /never imports a test helper/],
  ])('%s: refuses %p', async (filePath, code, message) => {
    expect(await violations(filePath, code)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it.each([
    ['libs/read-model/src/x.ts', "import type { LogRecord } from '@carts/event-log';\nexport type X = LogRecord;"],
    ['libs/event-log/src/x.ts', "import { Kafka } from 'kafkajs';\nexport const x = Kafka;"],
    ['libs/event-log/src/x.ts', "import { traceHeaders } from '@carts/tracing';\nexport const x = traceHeaders;"],
    ['libs/http-kit/src/x.ts', "import { inSpan } from '@carts/tracing';\nexport const x = inSpan;"],
    ['apps/command-service/test/x.ts', "import { waitFor } from '@carts/testing';\nexport const x = waitFor;"],
    ['apps/query-service/src/x.spec.ts', "import { Kafka } from 'kafkajs';\nexport const x = Kafka;"],
  ])('%s: allows %p', async (filePath, code) => {
    expect(await violations(filePath, code)).toEqual([]);
  });
});
