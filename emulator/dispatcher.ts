/**
 * The life of each request: read, hold while paused, hit by a fault or acted on, then answered,
 * reset or abandoned, and logged exactly once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Exchange, openExchange, readBody } from "./exchange";
import { failedCreateReply, faultReply, isAnswering } from "./fault-replies";
import type { FaultQueue } from "./faults";
import type { KeysApi } from "./keys-api";
import type { S3Api } from "./s3-api";
import type { Reply } from "./replies";
import type { RecordedRequest, RequestLog } from "./request-log";

/** Takes requests from the HTTP server and sees each through to its end. */
export class Dispatcher {
  private readonly open = new Set<Exchange>();
  private held: Exchange[] = [];
  private paused = false;
  private seq = 0;

  constructor(
    private readonly tokens: readonly string[],
    private readonly log: RequestLog,
    private readonly faults: FaultQueue,
    private readonly api: KeysApi,
    private readonly s3?: S3Api,
  ) {}

  /** The server's request listener. */
  readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const ex = openExchange(++this.seq, req, res, this.tokens);
    this.open.add(ex);
    res.on("close", () => this.finish(ex, "timeout"));
    readBody(ex, () => {
      if (ex.done) return;
      if (this.paused) this.held.push(ex);
      else this.handle(ex);
    });
  };

  /** Holds new requests unanswered until {@link Dispatcher.resume}. */
  pause(): void {
    this.paused = true;
  }

  /** Handles the held requests whose client is still there, and stops holding. */
  resume(): void {
    this.paused = false;
    for (const ex of this.held.splice(0)) if (!ex.done) this.handle(ex);
  }

  /** Cancels delayed answers and drops held requests, for shutdown. */
  close(): void {
    for (const ex of this.open) clearTimeout(ex.timer);
    this.held = [];
  }

  private handle(ex: Exchange): void {
    if (this.s3?.handles(ex.path)) {
      // Faults target the keys API; S3 answers are the readiness model's alone.
      this.s3.act(ex).then(
        (reply) => this.deliver(ex, reply),
        () => this.deliver(ex, { status: 500, headers: { "Content-Type": "application/xml" }, body: "<Error><Code>InternalError</Code></Error>" }),
      );
      return;
    }
    const fault = this.faults.take(ex.method, ex.path);
    if (isAnswering(fault)) return this.deliver(ex, faultReply(ex.method, fault));
    if (fault?.kind === "reset-before") return this.reset(ex);
    if (fault?.kind === "act-late") {
      // Not ex.timer: a client that leaves must not cancel the work, as on a busy real server.
      setTimeout(() => this.deliver(ex, this.api.act(ex)), fault.ms).unref();
      return;
    }
    let reply = this.api.act(ex);
    if (fault?.kind === "reset-after") return this.reset(ex);
    if (fault?.kind === "delay") {
      ex.timer = setTimeout(() => this.deliver(ex, reply), fault.ms);
      return;
    }
    if (fault?.kind === "error-after-create" && reply.status === 200) reply = failedCreateReply(fault.status, reply);
    this.deliver(ex, reply);
  }

  private finish(ex: Exchange, status: RecordedRequest["status"]): void {
    if (ex.done) return;
    ex.done = true;
    clearTimeout(ex.timer);
    this.open.delete(ex);
    this.log.record(ex, status);
  }

  private deliver(ex: Exchange, reply: Reply): void {
    if (ex.done) return;
    ex.res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(Buffer.byteLength(reply.body)) });
    ex.res.end(reply.body);
    this.finish(ex, reply.status);
  }

  private reset(ex: Exchange): void {
    if (ex.done) return;
    this.finish(ex, "reset");
    ex.req.socket.resetAndDestroy(); // RST rather than FIN, like a dropped connection
  }
}
