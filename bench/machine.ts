// What the figures were measured on: they mean little without the machine and how busy it was.
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the bench started and when it ended: above the core count, other work competed. */
  loadAtStart: number;
  loadAtEnd?: number;
  freeMemoryGiBAtStart: number;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAtStart: round(loadavg()[0] ?? 0),
    freeMemoryGiBAtStart: round(freemem() / 2 ** 30),
  };
}

export function currentLoad(): number {
  return round(loadavg()[0] ?? 0);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
