import { OpenApiChecker, type OpenApiDocument } from './support/openapi-checker';

const doc: OpenApiDocument = {
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: { headers: { ETag: { required: true, schema: { type: 'string', pattern: '^"\\d+"$' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          304: {},
          503: { headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 1 } } }, content: { 'application/problem+json': { schema: { type: 'object', required: ['type'] } } } },
        },
      },
    },
  },
  components: { schemas: { Thing: { type: 'object', properties: { name: { type: 'string', nullable: true }, at: { type: 'string', format: 'date-time' } }, required: ['name'] } } },
};

const respond = (status: number, headers: Record<string, string>, text = '') => ({ method: 'GET', path: '/things/{id}', status, headers: new Headers(headers), text });
const ok = { 'content-type': 'application/json; charset=utf-8', etag: '"3"' };

/** The checker the OpenAPI e2e test relies on must catch each kind of difference. */
describe('OpenApiChecker', () => {
  const checker = new OpenApiChecker(doc, 'doc.json');

  it('accepts a response as declared (nullable, formats, $ref into components)', () => {
    expect(checker.check(respond(200, ok, '{"name":null,"at":"2026-01-01T00:00:00.000Z"}'))).toEqual([]);
    expect(checker.check(respond(304, { etag: '"3"' }))).toEqual([]);
    expect(checker.check(respond(503, { 'content-type': 'application/problem+json', 'retry-after': '1' }, '{"type":"x"}'))).toEqual([]);
  });

  it.each([
    ['an undeclared status', respond(404, { 'content-type': 'application/problem+json' }, '{}'), /not declared/],
    ['a missing required header', respond(200, { 'content-type': 'application/json' }, '{"name":"a"}'), /required header ETag missing/],
    ['a header of the wrong format', respond(200, { ...ok, etag: 'W/3' }, '{"name":"a"}'), /header ETag/],
    ['a body that breaks the schema', respond(200, ok, '{"name":1}'), /body/],
    ['a bad date-time', respond(200, ok, '{"name":"a","at":"yesterday"}'), /format/],
    ['a problem sent as application/json', respond(503, { 'content-type': 'application/json', 'retry-after': '1' }, '{"type":"x"}'), /application\/json not declared/],
    ['a Retry-After that is not a number of seconds', respond(503, { 'content-type': 'application/problem+json', 'retry-after': 'soon' }, '{"type":"x"}'), /Retry-After/],
    ['a body where none is declared', respond(304, { 'content-type': 'application/json' }, '{}'), /without a body/],
  ])('reports %s', (_what, response, message) => {
    expect(checker.check(response).join('\n')).toMatch(message);
  });
});
