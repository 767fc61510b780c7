import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfigOrExit } from '@carts/config';
import { provisionTopics, routeKafkaLogs } from '@carts/event-log';
import { bootLogger, createHttpApp, kafkaLogsInto, listen } from '@carts/http';
import { commandServiceModule } from './command-service.module';

// Every line of this process is JSON on stdout (LOG_FORMAT=pretty for a person): Nest's, kafkajs', ours.
const log = bootLogger('command-service');
routeKafkaLogs(kafkaLogsInto(log));

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(process.env, { auth: true }, (message) => log.fatal(message));
  const logger = new Logger('CommandService');
  const report = await provisionTopics(config.kafka);
  if (report.created.length > 0) logger.log(`created topics ${report.created.join(', ')}`);
  report.warnings.forEach((w) => logger.warn(w));
  const app = await createHttpApp(commandServiceModule(config), { service: 'command-service', logLevel: config.logLevel, accessLog: config.http.accessLog, logger: log, tracing: config.tracing });
  const document = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('Cart command service').setDescription('Cart commands; every success means the events are durably in cart-events').setVersion('1')
    .addBearerAuth().addSecurityRequirements('bearer').build());
  SwaggerModule.setup('docs', app, document);
  await listen(app, config.http.commandPort, config.http.host, 'CommandService');
}

bootstrap().catch((error) => {
  log.fatal({ err: error }, `command-service failed to start: ${error?.message ?? error}`);
  process.exit(1);
});
