import { readFile, stat } from 'node:fs/promises';
import { CommandFailedError } from './errors.js';

/**
 * Where a key comes from: a file, or stdin when something is piped in. Never
 * the command line, where it would land in shell history and `ps` output.
 */

/** Far more than any key; a bigger input is the wrong file. */
const MAX_INPUT_BYTES = 64 * 1024;

export interface KeySource {
  file?: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export async function readKeyInput(source: KeySource): Promise<string> {
  return source.file === undefined ? readStdin(source.stdin) : readKeyFile(source.file);
}

async function readKeyFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CommandFailedError(`--file ${path} is not a regular file`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new CommandFailedError(`--file ${path} is over ${MAX_INPUT_BYTES} bytes: not a key`);
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof CommandFailedError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new CommandFailedError(`cannot read --file ${path} (${String(code ?? 'error')})`);
  }
}

async function readStdin(stdin: KeySource['stdin']): Promise<string> {
  if (stdin.isTTY) {
    throw new CommandFailedError(
      'no key: pipe it in (e.g. `pbpaste | npm run keys -- put --org N`) or use --file PATH',
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      throw new CommandFailedError(`stdin is over ${MAX_INPUT_BYTES} bytes: not a key`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
