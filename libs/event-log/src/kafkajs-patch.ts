import { readFileSync } from 'node:fs';

/** The line patches/kafkajs+2.2.4.patch puts in each file it changes. */
export const KAFKAJS_SEND_PATCH_MARKER = 'Patched by kafka-carts';
const PATCHED_FILES = ['kafkajs/src/producer/sendMessages', 'kafkajs/src/broker', 'kafkajs/src/consumer/consumerGroup'];

let patched: boolean | undefined;

/** Whether the kafkajs this process loads carries the fixes (patches/README.md). */
export function kafkajsSendPatched(): boolean {
  patched ??= PATCHED_FILES.every((file) => readFileSync(require.resolve(file), 'utf8').includes(KAFKAJS_SEND_PATCH_MARKER));
  return patched;
}

/**
 * Refuses to run on an unpatched kafkajs: its producer can resolve a send that left out the
 * records of a partition whose leader moved (tulios/kafkajs#1303) — acknowledged commands lost —
 * and a leaderless partition of any topic stops every new transactional producer.
 * An install with --ignore-scripts (as in a Dockerfile) skips the postinstall that applies it.
 */
export function assertKafkajsPatched(): void {
  if (kafkajsSendPatched()) return;
  throw new Error('kafkajs is not patched (patches/kafkajs+2.2.4.patch): its producer can lose records when a partition leader moves. ' +
    'Run `npm ci` (its postinstall applies the patch) or `npx patch-package --error-on-fail` after an install with --ignore-scripts');
}
