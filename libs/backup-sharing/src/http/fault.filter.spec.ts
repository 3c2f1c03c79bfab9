import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import {
  AlreadySharedError,
  BackupNotFoundError,
  InvalidRequestError,
  NotAuthenticatedError,
  NotAuthorizedError,
} from '../backup-sharing.errors';
import { toFault } from './fault.filter';

describe('toFault', () => {
  it.each([
    [new InvalidRequestError('bad'), 400, 'badRequest', 'BackupSharing.InvalidRequest'],
    [new NotAuthenticatedError('who?'), 401, 'unauthorized', 'BackupSharing.NotAuthenticated'],
    [new NotAuthorizedError('no'), 403, 'forbidden', 'BackupSharing.Forbidden'],
    [new BackupNotFoundError('b1'), 404, 'itemNotFound', 'BackupSharing.BackupNotFound'],
    [new AlreadySharedError('b1', ['p1']), 409, 'conflictingRequest', 'BackupSharing.AlreadyShared'],
    [new NotFoundException('Cannot GET /x'), 404, 'itemNotFound', 'BackupSharing.ResourceNotFound'],
    [new BadRequestException('Unexpected token'), 400, 'badRequest', 'BackupSharing.InvalidRequest'],
    [new PayloadTooLargeException(), 413, 'overLimit', 'BackupSharing.RequestTooLarge'],
  ])('maps %p to %i %s', (error, status, name, code) => {
    const fault = toFault(error);
    expect(fault.status).toBe(status);
    expect(fault.body).toEqual({ [name]: { code: status, message: expect.any(String), error_code: code } });
  });

  it('adds the challenge of a 401', () => {
    const fault = toFault(new NotAuthenticatedError('who?', 'Keystone uri="http://k/v3"'));
    expect(fault.headers).toEqual({ 'WWW-Authenticate': 'Keystone uri="http://k/v3"' });
  });

  it('hides what an unexpected error says', () => {
    const fault = toFault(new Error("ER_PARSE_ERROR near 'SELECT * FROM backup_sharings'"));
    expect(fault.status).toBe(500);
    expect(JSON.stringify(fault.body)).not.toMatch(/SELECT|ER_PARSE/);
    expect(fault.body.computeFault.error_code).toBe('BackupSharing.InternalError');
  });

  it('keeps the status of a body-parser error', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token } in JSON'), { status: 400, type: 'entity.parse.failed' });
    expect(toFault(parserError).status).toBe(400);
  });
});
