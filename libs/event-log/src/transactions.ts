import { KafkaJSProtocolError } from 'kafkajs';

/**
 * kafkajs does not retry CONCURRENT_TRANSACTIONS on AddOffsetsToTxn (kafkajs #430, #1068): the
 * broker answers it while the previous transaction's markers are still being written. It is
 * always transient, so retry with a short backoff.
 */
export async function withConcurrentTransactionRetry<T>(operation: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const type = (error as KafkaJSProtocolError).type ?? (error as { cause?: KafkaJSProtocolError }).cause?.type;
      if (type !== 'CONCURRENT_TRANSACTIONS' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5 * attempt, 50)));
    }
  }
}
