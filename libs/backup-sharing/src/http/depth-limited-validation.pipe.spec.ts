import { nestsDeeperThan } from './depth-limited-validation.pipe';

describe('nestsDeeperThan', () => {
  const arrays = (depth: number): unknown => (depth === 0 ? 1 : [arrays(depth - 1)]);

  it('counts objects and arrays, not scalars', () => {
    expect(nestsDeeperThan({ shared: { to_project_ids: ['a'] } }, 3)).toBe(false);
    expect(nestsDeeperThan({ shared: { to_project_ids: [['a']] } }, 3)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('walks any depth without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan(arrays(32), 32)).toBe(false);
    expect(nestsDeeperThan(arrays(33), 32)).toBe(true);
  });
});
