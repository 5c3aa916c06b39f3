// Finding a tool a fresh machine may lack (Debian's chromium, kubectl, prometheus, …) and saying,
// in one line, what to install. No test framework here: the benchmarks use it too.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface ToolRequirement {
  /** The executable's name, looked up on PATH (and in the usual system directories). */
  command: string;
  /** The Debian package that provides it: what the skip line tells a developer to install. */
  debianPackage: string;
  /** An environment variable that may name the executable's path instead (e.g. CHROMIUM_PATH). */
  pathVariable?: string;
}

// Debian puts some tools in sbin, which a non-root PATH may lack.
const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The resolved path of the tool, or undefined when this machine does not have it. */
export function requiredTool(tool: ToolRequirement): string | undefined {
  const override = tool.pathVariable ? process.env[tool.pathVariable] : undefined;
  if (override) return isAbsolute(override) && isExecutableFile(override) ? override : undefined;
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of [...dirs, ...SYSTEM_DIRS]) {
    const candidate = join(dir, tool.command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

/** What to do about a missing tool, in one line. */
export function missingToolMessage(tool: ToolRequirement): string {
  const where =
    tool.pathVariable && process.env[tool.pathVariable]
      ? `${tool.pathVariable}=${process.env[tool.pathVariable]} is not an executable file`
      : `\`${tool.command}\` is not on PATH`;
  return `${where}: install Debian's ${tool.debianPackage} package (apt-get install ${tool.debianPackage})`;
}
