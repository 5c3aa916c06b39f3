// In HTTP mode our slash command is acked the moment its signature checks out, before Bolt runs
// its middleware and listeners: in a burst (an incident channel where everyone types the command at
// once) each ack then costs only reading, verifying and parsing its own request, not Bolt's whole
// dispatch of every request that arrived before it. Bolt still handles the command right after, with
// an ack that does nothing; every other request (buttons, modals, events, url_verification,
// ssl_check, a request that fails verification) goes to Bolt's HTTPReceiver untouched, which reuses
// the body read here and verifies it again.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type ReceiverEvent } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../core/ports.js';
import { AcksFirst } from './acks-first.js';

export interface SlashCommandPreAckOptions {
  signingSecret: string;
  /** The command answered here (`/smartspec_rollback`); other commands go to Bolt. */
  command: string;
  /** The ack body for the command's text: the same function the listener acks with. */
  answerFor: (text: string) => object | undefined;
  /** Bolt's App.processEvent: the command's listener runs there after the ack. */
  processEvent: (event: ReceiverEvent) => Promise<void>;
  /** Bolt's HTTPReceiver request listener: everything that is not our verified command. */
  bolt: RequestListener;
  logger: Logger;
  /** Holds each command's work until a burst of requests has been acked (acks-first.ts). */
  acksFirst?: AcksFirst;
}

const slashCommand = z.object({ command: z.string(), text: z.string().default('') });

export interface SlashCommandPreAck {
  listener: RequestListener;
  /**
   * Waits (bounded) until every command acked here has been handled: its plan posted or its answer
   * sent. A command Slack was told "Building a rollback plan…" must not be dropped by a SIGTERM.
   */
  drain(graceMs: number): Promise<void>;
}

export function slashCommandPreAck(options: SlashCommandPreAckOptions): SlashCommandPreAck {
  const acksFirst = options.acksFirst ?? new AcksFirst();
  const handling = new Set<Promise<void>>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    acksFirst.arrived(); // any Slack request: a click's ack must not wait behind a plan either
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return options.bolt(req, res);
    let body: unknown;
    try {
      const buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
        { enabled: true, signingSecret: options.signingSecret, bodyLimit: HTTPModuleFunctions.defaultBodyLimit },
        req,
      );
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch (error) {
      if (!HTTPModuleFunctions.isBufferedIncomingMessage(req)) return refuseUnread(res, error, options.logger);
      return options.bolt(req, res); // read but not verified or not parsed: Bolt says so, exactly as always
    }
    const parsed = slashCommand.safeParse(body);
    if (!parsed.success || parsed.data.command !== options.command) return options.bolt(req, res);
    let answer: object | undefined;
    try {
      answer = options.answerFor(parsed.data.text);
    } catch {
      return options.bolt(req, res); // the listener meets the same error, and Bolt reports it
    }
    HTTPModuleFunctions.buildContentResponse(res, answer);
    // After the acks of the requests arriving with it: this command's own work starts behind them.
    let started!: () => void;
    const handled = new Promise<void>((resolve) => {
      started = resolve;
    }).then(() =>
      options
        .processEvent({
          body: body as Record<string, unknown>,
          ack: alreadyAcked,
          retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
          retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
        })
        .catch((error: unknown) => options.logger.error({ err: error }, 'a slash command failed after its ack')),
    );
    handling.add(handled);
    void handled.finally(() => handling.delete(handled));
    acksFirst.afterAcks(started);
  };
  return {
    listener: (req, res) => {
      handle(req, res).catch((error: unknown) => {
        options.logger.error({ err: error }, 'a Slack request could not be handled');
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
      });
    },
    async drain(graceMs) {
      acksFirst.flush();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...handling]), late]);
      clearTimeout(timer);
    },
  };
}

async function alreadyAcked(): Promise<void> {}

/** The body could not even be read (too large, connection cut): answered as Bolt answers it. */
function refuseUnread(res: ServerResponse, error: unknown, logger: Logger): void {
  const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413);
  logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'a Slack request body could not be read');
  HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 401);
}
