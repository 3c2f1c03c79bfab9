import { createHostLogger, logLevelsFrom } from './host-logger';

/** What a logger writes to stdout while `log` runs. */
function written(log: () => void): string[] {
  const lines: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
  try {
    log();
  } finally {
    stdout.mockRestore();
  }
  return lines;
}

describe('the host logger', () => {
  it('LOG_LEVEL names the lowest level written', () => {
    expect(logLevelsFrom('log')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(logLevelsFrom('error')).toEqual(['fatal', 'error']);
    expect(logLevelsFrom('verbose')).toHaveLength(6);
  });

  it.each(['json', 'text'] as const)("writes Nest's route mapping and module lines at debug level only (%s)", (format) => {
    const atLog = createHostLogger(format, logLevelsFrom('log'));
    expect(written(() => atLog.log('Mapped {/health, GET} route', 'RouterExplorer'))).toEqual([]);
    expect(written(() => atLog.log('AppModule dependencies initialized', 'InstanceLoader'))).toEqual([]);
    expect(written(() => atLog.log('Seeded demo backups.', 'DemoSeed'))).toHaveLength(1);

    const atDebug = createHostLogger(format, logLevelsFrom('debug'));
    const [line] = written(() => atDebug.log('Mapped {/health, GET} route', 'RouterExplorer'));
    if (format === 'json') {
      expect(JSON.parse(line)).toMatchObject({ level: 'debug', message: 'Mapped {/health, GET} route', context: 'RouterExplorer' });
    } else {
      expect(line).toMatch(/DEBUG.*\[RouterExplorer\].*Mapped \{\/health, GET\} route/);
    }
  });
});
