import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@carts/config';
import { topicNames } from '@carts/contracts';
import { createKafka } from '@carts/event-log';
import { KAFKA, TOPICS } from './tokens';

export const kafkaProviders: Provider[] = [
  { provide: KAFKA, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createKafka(config.kafka, `command-service-${process.pid}`) },
  { provide: TOPICS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => topicNames(config.kafka.topicPrefix) },
];
