// Bolt logs through our pino logger, so its lines carry the same redaction and format as ours.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger as PinoLogger } from 'pino';

export function boltLogger(pino: PinoLogger): BoltLogger {
  const log = pino.child({ component: 'bolt' });
  const join = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    // Bolt logs at debug several times per request (acks with their bodies): at info and above, skip
    // the joining and JSON.stringify rather than build lines that are then dropped.
    debug: (...msgs) => {
      if (log.isLevelEnabled('debug')) log.debug(join(msgs));
    },
    info: (...msgs) => log.info(join(msgs)),
    warn: (...msgs) => log.warn(join(msgs)),
    error: (...msgs) => log.error(join(msgs)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
