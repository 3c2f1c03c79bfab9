import { NotAuthorizedError } from '../backup-sharing.errors';
import { DefaultSharingPolicy } from './default-sharing.policy';
import { SHARING_RULES, SharingPolicy, enforceSharingPolicy } from './sharing-policy.port';
import { Identity } from './token-verifier.port';

const member = (projectId: string, roles = ['member']): Identity => ({ projectId, userId: 'u', roles });
const sharing = { fromProjectId: 'owner', toProjectId: 'recipient' };

describe('DefaultSharingPolicy', () => {
  const policy = new DefaultSharingPolicy();

  it.each(SHARING_RULES)('%s: members of the project may, members of other projects may not', (rule) => {
    expect(policy.allows(rule, { projectId: 'owner' }, member('owner'))).toBe(true);
    expect(policy.allows(rule, { projectId: 'owner' }, member('other'))).toBe(false);
    expect(policy.allows(rule, { projectId: 'owner' }, member('other', ['reader', 'administrator']))).toBe(false);
  });

  it.each(SHARING_RULES)('%s: the admin role acts for any project', (rule) => {
    expect(policy.allows(rule, { projectId: 'owner' }, member('elsewhere', ['admin']))).toBe(true);
    expect(policy.mayActFor('owner', member('elsewhere', ['admin']))).toBe(true);
  });

  it('on one sharing, the owner may read and cancel, the recipient only read, nobody else anything', () => {
    expect(policy.allows('backup_sharing:get', { projectId: 'owner', sharing }, member('owner'))).toBe(true);
    expect(policy.allows('backup_sharing:cancel', { projectId: 'owner', sharing }, member('owner'))).toBe(true);
    expect(policy.allows('backup_sharing:get', { projectId: 'recipient', sharing }, member('recipient'))).toBe(true);
    expect(policy.allows('backup_sharing:cancel', { projectId: 'recipient', sharing }, member('recipient'))).toBe(false);
    expect(policy.allows('backup_sharing:get', { projectId: 'other', sharing }, member('other'))).toBe(false);
  });

  it('an admin acting for the recipient project still acts as the recipient', () => {
    expect(policy.allows('backup_sharing:cancel', { projectId: 'recipient', sharing }, member('x', ['admin']))).toBe(false);
    expect(policy.allows('backup_sharing:cancel', { projectId: 'owner', sharing }, member('x', ['admin']))).toBe(true);
  });

  it('takes the admin role name from its constructor', () => {
    const custom = new DefaultSharingPolicy('cloud-admin');
    expect(custom.isAdmin(member('x', ['admin']))).toBe(false);
    expect(custom.isAdmin(member('x', ['cloud-admin']))).toBe(true);
    expect(custom.mayActFor('owner', member('x', ['admin']))).toBe(false);
  });
});

describe('enforceSharingPolicy', () => {
  it('says "not scoped" for another project and names the rule for a refused one', async () => {
    const policy = new DefaultSharingPolicy();
    await expect(enforceSharingPolicy(policy, 'backup_sharing:create', { projectId: 'owner' }, member('other'))).rejects.toThrow(
      new NotAuthorizedError('The token is not scoped to project owner.'),
    );
    await expect(
      enforceSharingPolicy(policy, 'backup_sharing:cancel', { projectId: 'recipient', sharing: { ...sharing, id: 's1' } }, member('recipient')),
    ).rejects.toThrow(new NotAuthorizedError('Backup sharing s1 can be canceled only by the project that shared it.'));
    await expect(
      enforceSharingPolicy(policy, 'backup_sharing:get', { projectId: 'other', sharing: { ...sharing, id: 's1' } }, member('other', ['admin'])),
    ).rejects.toThrow(new NotAuthorizedError('Policy does not allow backup_sharing:get to be performed on backup sharing s1.'));
    await expect(enforceSharingPolicy(policy, 'backup_sharing:cancel', { projectId: 'owner', sharing }, member('owner'))).resolves.toBeUndefined();
  });

  it('awaits an asynchronous policy', async () => {
    class ReadOnly extends DefaultSharingPolicy {
      override async allows(rule: (typeof SHARING_RULES)[number]): Promise<boolean> {
        return rule !== 'backup_sharing:create' && rule !== 'backup_sharing:cancel';
      }
    }
    const policy: SharingPolicy = new ReadOnly();
    await expect(enforceSharingPolicy(policy, 'backup_sharing:create', { projectId: 'p' }, member('p'))).rejects.toBeInstanceOf(NotAuthorizedError);
    await expect(enforceSharingPolicy(policy, 'backup_sharing:get_all', { projectId: 'p' }, member('p'))).resolves.toBeUndefined();
  });
});
