import {
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * The optional JSON state file (XERO_SANDBOX_STATE_FILE): written atomically (temp file + rename) a moment
 * after each change and on shutdown, read once at start.
 */
export class StateFile {
  private timer?: NodeJS.Timeout;
  private latest?: () => unknown;

  constructor(
    readonly path: string,
    private readonly debounceMs = 1000,
  ) {}

  load(): unknown | undefined {
    if (!existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    if (text.trim() === '') return undefined;
    return JSON.parse(text) as unknown;
  }

  /** Schedules a save of whatever `snapshot` returns when the timer fires. */
  schedule(snapshot: () => unknown): void {
    this.latest = snapshot;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const snapshot = this.latest;
    this.latest = undefined;
    if (!snapshot) return;
    this.write(snapshot());
  }

  write(data: unknown): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.path);
  }
}
