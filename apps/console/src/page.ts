import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The page's files: apps/console/public, copied beside the compiled code by tools/build.js. */
export const PUBLIC_DIR = path.join(__dirname, '..', 'public');

/**
 * Every asset the page uses is served from here: nothing is fetched from the internet, and the
 * Content-Security-Policy says so to the browser (scripts, styles, images and fetches: this origin only).
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * `/console/`: static HTML, CSS and one vanilla JavaScript module. The files are public (they hold
 * nothing); everything they show comes from `/console/api/*`, which needs an operator token.
 */
export async function servePage(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/console/',
    redirect: true,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (reply) => {
      void reply.headers({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    },
  });
}
