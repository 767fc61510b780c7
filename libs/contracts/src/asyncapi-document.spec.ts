import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CART_EVENT_TYPES, type CartEvent } from '@carts/domain';
import { CURRENT_SCHEMA_VERSIONS, ENVELOPE_CHECKS, decodeEvent, invalidDataField, topicNames } from './index';

/** docs/asyncapi.yaml must describe the events the code writes and validates, field for field. */
type Schema = { $ref?: string; allOf?: Schema[]; required?: string[]; properties?: Record<string, Schema>; const?: unknown };
type Message = { name: string; payload: Schema; examples?: { payload: Record<string, unknown> }[] };

const doc = parse(readFileSync(join(__dirname, '../../../docs/asyncapi.yaml'), 'utf8'));

function resolve<T>(node: T | { $ref: string }): T {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as T;
  return resolve(ref.replace(/^#\//, '').split('/').reduce((at: Record<string, unknown>, key) => at[key] as Record<string, unknown>, doc) as T);
}

/** Flattens `allOf` and `$ref` into one object schema: union of required, merged properties. */
function flatten(schema: Schema): Required<Pick<Schema, 'required' | 'properties'>> {
  const s = resolve(schema);
  const parts = [s, ...(s.allOf ?? []).map(flatten)];
  return {
    required: [...new Set(parts.flatMap((p) => p.required ?? []))],
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
  };
}

const eventMessages = (): Record<string, Message> =>
  Object.fromEntries(Object.entries(doc.channels.cartEvents.messages as Record<string, Schema>).map(([key, ref]) => [key, resolve<Message>(ref as Message)]));

describe('docs/asyncapi.yaml', () => {
  it('is an AsyncAPI 3.x document', () => {
    expect(String(doc.asyncapi)).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
  });

  it('describes every topic by its name', () => {
    const addresses = Object.values(doc.channels as Record<string, { address: string }>).map((c) => c.address);
    expect(addresses.sort()).toEqual(Object.values(topicNames('')).sort());
  });

  it('has one message per event type on cart-events, named after it', () => {
    const messages = eventMessages();
    expect(Object.keys(messages).sort()).toEqual([...CART_EVENT_TYPES].sort());
    for (const [key, message] of Object.entries(messages)) expect(message.name).toBe(key);
  });

  it.each([...CART_EVENT_TYPES])('%s requires every envelope field and pins its type and schema version', (type) => {
    const payload = flatten(eventMessages()[type].payload);
    expect(payload.required.sort()).toEqual([...Object.keys(ENVELOPE_CHECKS), 'data'].sort());
    expect(resolve(payload.properties.type).const).toBe(type);
    expect(resolve(payload.properties.schemaVersion).const).toBe(CURRENT_SCHEMA_VERSIONS[type]);
  });

  it.each([...CART_EVENT_TYPES])('%s: its data fields are required exactly where the decoder requires them, and its example decodes', (type) => {
    const message = eventMessages()[type];
    const dataSchema = flatten(flatten(message.payload).properties.data);
    const example = message.examples?.[0]?.payload;
    expect(example).toBeDefined();
    const decoded = decodeEvent(JSON.stringify(example));
    expect(decoded).toMatchObject({ kind: 'event', event: { type, schemaVersion: CURRENT_SCHEMA_VERSIONS[type] } });

    const data = example!.data as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(Object.keys(dataSchema.properties).sort());
    const requiredByDecoder = Object.keys(data).filter((field) => {
      const { [field]: _removed, ...rest } = data;
      return invalidDataField(type as CartEvent['type'], rest) === `data.${field}`;
    });
    expect(dataSchema.required.sort()).toEqual(requiredByDecoder.sort());
  });
});
