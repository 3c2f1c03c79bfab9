import { DEADLINE_SWEEP_MS, Deadlines } from './deadlines';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadlines', () => {
  it('expires a deadline once, after its time and at most one sweep late', async () => {
    const deadlines = new Deadlines();
    const armed = performance.now();
    let expiredAfter: number[] = [];
    deadlines.arm(30, () => expiredAfter.push(performance.now() - armed));
    await pause(30 + DEADLINE_SWEEP_MS * 3);
    expect(expiredAfter).toHaveLength(1);
    expect(expiredAfter[0]).toBeGreaterThanOrEqual(30);
    expiredAfter = [];
    await pause(DEADLINE_SWEEP_MS * 2);
    expect(expiredAfter).toEqual([]);
  });

  it('never expires a disarmed deadline, and keeps the others', async () => {
    const deadlines = new Deadlines();
    const expired: string[] = [];
    const disarm = deadlines.arm(10, () => expired.push('disarmed'));
    deadlines.arm(10, () => expired.push('kept'));
    disarm();
    await pause(10 + DEADLINE_SWEEP_MS * 3);
    expect(expired).toEqual(['kept']);
  });

  it('runs one timer for many deadlines, and none once nothing is pending', async () => {
    const started = jest.spyOn(global, 'setInterval');
    const stopped = jest.spyOn(global, 'clearInterval');
    try {
      const deadlines = new Deadlines();
      const disarms = Array.from({ length: 100 }, () => deadlines.arm(60_000, () => undefined));
      expect(started).toHaveBeenCalledTimes(1);
      disarms.forEach((disarm) => disarm());
      await pause(DEADLINE_SWEEP_MS * 3);
      expect(stopped).toHaveBeenCalledWith(started.mock.results[0].value);
      deadlines.arm(60_000, () => undefined)();
      expect(started).toHaveBeenCalledTimes(2);
      await pause(DEADLINE_SWEEP_MS * 3);
      expect(stopped).toHaveBeenCalledTimes(2);
    } finally {
      started.mockRestore();
      stopped.mockRestore();
    }
  });
});
