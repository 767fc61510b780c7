import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Admin,
  type Kafka,
} from 'kafkajs';
import { CONSUMER_GROUPS, topicNames } from '@carts/contracts';

/**
 * Least privilege between the parts: one Kafka principal per service and the rights each needs,
 * nothing more. The query service has no principal (it needs no Kafka rights); `admin` is a super
 * user that only the launcher and provisioning use. Every name is under KAFKA_TOPIC_PREFIX, so one
 * prefix's grants never reach another's topics, groups or transactional ids.
 */
export const ADMIN_PRINCIPAL = 'admin';
export const SERVICE_PRINCIPALS = ['command-service', 'projector', 'cartctl'] as const;
export type ServicePrincipal = (typeof SERVICE_PRINCIPALS)[number];

export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE' | 'DESCRIBE_CONFIGS' | 'DELETE';

export interface AclGrant {
  readonly principal: ServicePrincipal;
  readonly resource: 'topic' | 'group' | 'transactional-id';
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operations: readonly AclOperation[];
}

/** The command processor's transactional ids: `<prefix>cart-command-processor-<partition>`. */
export const commandProcessorTransactionalIdPrefix = (prefix: string): string => `${CONSUMER_GROUPS.commandProcessor(prefix)}-`;

/** Group-name prefixes (PREFIXED ACLs; Kafka refuses an empty prefixed name, so never just `<prefix>`). */
const privateGroups = (prefix: string): string => `${prefix}private.`;
const projectionGroups = (prefix: string): string => `${prefix}projection.`;

export function serviceAcls(prefix: string): AclGrant[] {
  const t = topicNames(prefix);
  const topic = (principal: ServicePrincipal, name: string, operations: AclOperation[]): AclGrant => ({ principal, resource: 'topic', name, pattern: 'literal', operations });
  const group = (principal: ServicePrincipal, name: string, pattern: AclGrant['pattern'], operations: AclOperation[]): AclGrant => ({ principal, resource: 'group', name, pattern, operations });
  const readPrivately = (principal: ServicePrincipal): AclGrant => group(principal, privateGroups(prefix), 'prefixed', ['READ', 'DESCRIBE', 'DELETE']);
  return [
    // The only writer of the log and of everything committed with it, in one transaction.
    topic('command-service', t.commands, ['WRITE', 'READ', 'DESCRIBE']),
    topic('command-service', t.events, ['WRITE', 'READ', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    topic('command-service', t.idempotency, ['WRITE', 'READ', 'DESCRIBE']),
    topic('command-service', t.replies, ['WRITE', 'READ', 'DESCRIBE']),
    topic('command-service', t.writerProgress, ['WRITE', 'READ', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    group('command-service', CONSUMER_GROUPS.commandProcessor(prefix), 'literal', ['READ', 'DESCRIBE']),
    readPrivately('command-service'),
    { principal: 'command-service', resource: 'transactional-id', name: commandProcessorTransactionalIdPrefix(prefix), pattern: 'prefixed', operations: ['WRITE', 'DESCRIBE'] },
    // Reads the log into PostgreSQL; writes nothing to Kafka.
    topic('projector', t.events, ['READ', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    group('projector', projectionGroups(prefix), 'prefixed', ['READ', 'DESCRIBE', 'DELETE']),
    readPrivately('projector'),
    // Operators' tool: reads the log and the writers' progress, inspects and rebuilds projections.
    topic('cartctl', t.events, ['READ', 'DESCRIBE']),
    topic('cartctl', t.writerProgress, ['READ', 'DESCRIBE']),
    topic('cartctl', t.commands, ['DESCRIBE']),
    group('cartctl', CONSUMER_GROUPS.commandProcessor(prefix), 'literal', ['DESCRIBE']),
    group('cartctl', projectionGroups(prefix), 'prefixed', ['READ', 'DESCRIBE', 'DELETE']),
    readPrivately('cartctl'),
  ];
}

const RESOURCE = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, 'transactional-id': AclResourceTypes.TRANSACTIONAL_ID } as const;
const PATTERN = { literal: ResourcePatternTypes.LITERAL, prefixed: ResourcePatternTypes.PREFIXED } as const;

/**
 * Creates the grants (idempotent: an existing binding is left as is). `kafka` must log in as a
 * principal allowed to alter ACLs (the super user). kafkajs speaks CreateAcls v1, which Kafka 4.x
 * still accepts.
 */
export async function grantServiceAcls(kafka: Kafka, prefix: string): Promise<number> {
  const acl = serviceAcls(prefix).flatMap((grant) =>
    grant.operations.map((operation) => ({
      resourceType: RESOURCE[grant.resource],
      resourceName: grant.name,
      resourcePatternType: PATTERN[grant.pattern],
      principal: `User:${grant.principal}`,
      host: '*',
      operation: AclOperationTypes[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
    await untilAuthorizerHas(admin, acl.length, prefix);
    return acl.length;
  } finally {
    await admin.disconnect();
  }
}

const ACL_VISIBLE_TIMEOUT_MS = 30_000;

/**
 * CreateAcls returns once the controller has committed the bindings; the broker's authorizer
 * applies them when it replays that metadata, a moment later (measured: DescribeAcls straight
 * after CreateAcls saw none). A service started in between would be refused: wait for them.
 */
async function untilAuthorizerHas(admin: Admin, expected: number, prefix: string): Promise<void> {
  const deadline = Date.now() + ACL_VISIBLE_TIMEOUT_MS;
  for (;;) {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const ours = resources
      .filter((r) => r.resourceName.startsWith(prefix))
      .flatMap((r) => r.acls.filter((a) => SERVICE_PRINCIPALS.some((p) => a.principal === `User:${p}`)));
    if (ours.length >= expected) return;
    if (Date.now() > deadline) throw new Error(`the broker shows ${ours.length} of the ${expected} ACL entries granted for prefix "${prefix}" after ${ACL_VISIBLE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
