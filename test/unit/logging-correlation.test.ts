// Correlation ids follow async work: every line logged for a request or a run carries its ids, also
// from code that only has the plain logger (the core), and concurrent requests never mix them.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import {
  acceptRequestId,
  addCorrelation,
  correlationFields,
  currentLogger,
  newRequestId,
  withCorrelation,
} from '../../src/adapters/logging/correlation.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('withCorrelation', () => {
  it('puts the ids on every line logged inside, across awaits and timers, and on none outside', async () => {
    const { logger, lines } = capture();
    logger.info('before');
    await withCorrelation({ requestId: 'req-1' }, async () => {
      logger.info('start');
      await sleep(1);
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          logger.info('in a callback');
          resolve();
        }),
      );
    });
    logger.info('after');
    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['before', undefined],
      ['start', 'req-1'],
      ['in a callback', 'req-1'],
      ['after', undefined],
    ]);
  });

  it('keeps concurrent requests apart', async () => {
    const { logger, lines } = capture();
    const work = (id: string, delays: number[]) =>
      withCorrelation({ requestId: id }, async () => {
        for (const [i, ms] of delays.entries()) {
          await sleep(ms);
          logger.info({ step: i }, id);
        }
      });
    await Promise.all([work('req-a', [5, 1, 5]), work('req-b', [1, 5, 1])]);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line['requestId']).toBe(line['msg']);
  });

  it('nests: an inner context adds the run id without changing the outer one', async () => {
    const { logger, lines } = capture();
    await withCorrelation({ requestId: 'req-2' }, async () => {
      await withCorrelation({ runId: 'rb-abc' }, async () => logger.info('inner'));
      logger.info('outer');
    });
    expect(lines[0]).toMatchObject({ msg: 'inner', requestId: 'req-2', runId: 'rb-abc' });
    expect(lines[1]).toMatchObject({ msg: 'outer', requestId: 'req-2' });
    expect(lines[1]).not.toHaveProperty('runId');
  });

  it('learns the run id along the way with addCorrelation, and ignores it outside any context', async () => {
    const { logger, lines } = capture();
    addCorrelation({ runId: 'rb-nowhere' });
    expect(correlationFields()).toEqual({});
    await withCorrelation({ requestId: 'req-3' }, async () => {
      logger.info('planning');
      addCorrelation({ runId: 'rb-new' });
      await sleep(1);
      logger.info('planned');
    });
    expect(lines.map((l) => l['runId'])).toEqual([undefined, 'rb-new']);
  });

  it("reaches loggers made before the context, as the core's injected logger is", async () => {
    const { logger, lines } = capture();
    const coreLogger: { info(obj: object, msg?: string): void } = logger.child({ component: 'core' });
    await withCorrelation({ requestId: 'req-4', runId: 'rb-x' }, async () => coreLogger.info({ service: 'checkout' }, 'executing'));
    expect(lines[0]).toMatchObject({ component: 'core', service: 'checkout', requestId: 'req-4', runId: 'rb-x' });
  });

  it('drops ids that are not plausible ids (they may come from a header)', () => {
    withCorrelation({ requestId: 'bad id\nwith newline', runId: 'rb-ok' }, () => {
      expect(correlationFields()).toEqual({ runId: 'rb-ok' });
    });
    expect(acceptRequestId('ci-build-42')).toBe('ci-build-42');
    expect(acceptRequestId('x'.repeat(200))).toMatch(/^req-[0-9a-f]{16}$/);
    expect(acceptRequestId(undefined)).toMatch(/^req-[0-9a-f]{16}$/);
    expect(newRequestId()).not.toBe(newRequestId());
  });
});

describe('currentLogger', () => {
  it('binds the current ids once, without duplicating them on the line', async () => {
    const { logger, lines } = capture();
    expect(currentLogger(logger)).toBe(logger);
    await withCorrelation({ requestId: 'req-5', runId: 'rb-y' }, async () => {
      const log = currentLogger(logger);
      expect(log).not.toBe(logger);
      log.info('bound');
    });
    // Parsed JSON hides a repeated key, so count them in the raw text as well.
    expect(lines[0]).toMatchObject({ requestId: 'req-5', runId: 'rb-y' });
    const raw: string[] = [];
    const stream = new Writable({
      write(chunk, _e, done) {
        raw.push(String(chunk));
        done();
      },
    });
    const plain = createLogger('info', stream);
    await withCorrelation({ requestId: 'req-6' }, async () => currentLogger(plain).info('once'));
    expect(raw.join('').match(/"requestId"/g)).toHaveLength(1);
  });

  it('keeps working after the context ends (the child carries the ids)', async () => {
    const { logger, lines } = capture();
    const log = await withCorrelation({ runId: 'rb-z' }, async () => currentLogger(logger));
    log.info('later');
    expect(lines[0]).toMatchObject({ runId: 'rb-z' });
  });
});
