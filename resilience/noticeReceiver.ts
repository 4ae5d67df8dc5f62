// A loopback receiver of supportloop's signed alert notices, for tests and benchmarks: it checks each
// request's Standard Webhooks signature, keeps the request, and answers `status` (settable: a target
// that is down, then back).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedNotice<Body> {
  /** The webhook-id header. */
  id: string;
  receivedAtMs: number;
  /** What the receiver answered. */
  status: number;
  body: Body;
  verified: boolean;
}

export interface NoticeReceiver<Body> {
  url: string;
  requests: ReceivedNotice<Body>[];
  status: number;
  close(): Promise<void>;
}

/** `secret` is read at each request: a subscription's secret may be known only after the receiver is up. */
export async function startNoticeReceiver<Body = Record<string, unknown>>(secret: () => string): Promise<NoticeReceiver<Body>> {
  const requests: ReceivedNotice<Body>[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let verified = true;
      try {
        new Webhook(secret()).verify(raw, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      requests.push({ id: String(req.headers['webhook-id']), receivedAtMs: Date.now(), status: receiver.status, body: JSON.parse(raw) as Body, verified });
      res.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: NoticeReceiver<Body> = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    requests,
    status: 200,
    close: () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
  return receiver;
}
