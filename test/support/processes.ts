import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../bot/config.ts';

/**
 * Real processes for the one-writer tests: the bot (`npm start`'s bot/main.ts) and the CLIs
 * (`npm run import`, `npm run ask`), each run with node + tsx exactly as the npm scripts do,
 * bounded by a timeout and killed if they outlive it.
 */
const TSX = ['--import', 'tsx'];

export interface BotProcess {
  proc: ChildProcess;
  port: number;
  base: string;
  /** Everything the bot logged (pino JSON lines, parsed). */
  logs: Array<Record<string, unknown>>;
  /** SIGTERM, and wait for the exit (SIGKILL after `ms`). */
  stop(ms?: number): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Starts the bot on `env` (PORT=0 is fine: the port is read from its 'listening' log line). */
export function startBot(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  const proc = spawn(process.execPath, [...TSX, path.join(repoRoot, 'bot', 'main.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let rest = '';
  proc.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`bot did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code} before listening: ${stderr}${rest}`));
    });
    proc.stdout!.on('data', (c: Buffer) => {
      rest += c.toString('utf8');
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(entry);
        if (entry.msg === 'inspection-bot listening') {
          clearTimeout(timer);
          const port = entry.port as number;
          resolve({
            proc,
            port,
            base: `http://127.0.0.1:${port}`,
            logs,
            async stop(ms = 10_000) {
              if (proc.exitCode !== null) return proc.exitCode;
              proc.kill('SIGTERM');
              const t = setTimeout(() => proc.kill('SIGKILL'), ms);
              const code = await exited;
              clearTimeout(t);
              return code;
            },
            async kill() {
              if (proc.exitCode !== null || proc.signalCode !== null) return;
              proc.kill('SIGKILL');
              await exited;
            },
          });
        }
      }
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run import|ask -- …argv` as a process; resolves when it exits (killed after timeoutMs). */
export function runCli(
  script: 'import' | 'ask',
  argv: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CliResult> {
  const proc = spawn(process.execPath, [...TSX, path.join(repoRoot, 'bot', 'cli', `${script}.ts`), ...argv], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  proc.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
