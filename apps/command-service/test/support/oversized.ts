import { request } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/**
 * Starts a POST whose body is far over the limit (announced by Content-Length, or chunked), sends
 * its first bytes and waits for the answer. The server answers 413 without reading the rest and
 * closes the connection; writing the remaining megabytes meanwhile would only race that close.
 */
export function postOversized(url: string, opts: { contentLength?: number; firstBytes: number }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.contentLength !== undefined) headers['content-length'] = String(opts.contentLength);
    const req = request(url, { method: 'POST', headers }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(Buffer.alloc(opts.firstBytes, 'a'));
  });
}
