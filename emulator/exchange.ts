/**
 * One request in flight: what was asked, by whom, and whether it has been answered.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A request and its response while the emulator handles it. */
export interface Exchange {
  seq: number;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** False when a non-empty body was not valid JSON. */
  bodyIsJson: boolean;
  authorized: boolean;
  /** Which accepted token the request bore (its index in the emulator's tokens), or -1. */
  tokenIndex: number;
  startedAt: number;
  /** True once answered, reset or abandoned; nothing more is written or recorded after. */
  done: boolean;
  /** A pending delayed answer, cancelled when the client leaves or the emulator closes. */
  timer?: NodeJS.Timeout;
}

/** A new exchange for `req`, its body not read yet; `authorized` when it bears one of `tokens`. */
export function openExchange(seq: number, req: IncomingMessage, res: ServerResponse, tokens: readonly string[]): Exchange {
  const url = new URL(req.url ?? "/", "http://emulator");
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  const tokenIndex = auth === null ? -1 : tokens.indexOf(auth[1]);
  return {
    seq,
    req,
    res,
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: undefined,
    bodyIsJson: true,
    authorized: tokenIndex >= 0,
    tokenIndex,
    startedAt: Date.now(),
    done: false,
  };
}

/** Reads the request body into `ex.body` (parsed JSON, else the raw text), then calls `then`. */
export function readBody(ex: Exchange, then: () => void): void {
  const chunks: Buffer[] = [];
  ex.req.on("data", (c: Buffer) => chunks.push(c));
  ex.req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    if (text !== "") {
      try {
        ex.body = JSON.parse(text);
      } catch {
        ex.body = text;
        ex.bodyIsJson = false;
      }
    }
    then();
  });
}
