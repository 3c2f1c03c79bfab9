import { NotAcceptableException, RequestTimeoutException, UnsupportedMediaTypeException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { BackupCatalogFailedError, DatabaseTimeoutError, DatabaseUnavailableError, FeatureDisabledError } from '../dependency.errors';
import { toFault } from './fault.filter';

describe('toFault: the statuses of the HTTP edge and of failing dependencies', () => {
  const cause = new Error('connect ECONNREFUSED 10.0.0.5:3306');

  it.each([
    [new NotAcceptableException('This API answers application/json only.'), 406, 'notAcceptable', 'BackupSharing.NotAcceptable'],
    [new RequestTimeoutException('late'), 408, 'requestTimeout', 'BackupSharing.RequestTimeout'],
    [new UnsupportedMediaTypeException('json please'), 415, 'badMediaType', 'BackupSharing.UnsupportedMediaType'],
    [new FeatureDisabledError('off'), 501, 'notImplemented', 'BackupSharing.FeatureDisabled'],
    [new BackupCatalogFailedError(cause), 502, 'badGateway', 'BackupSharing.BackupCatalogFailed'],
    [new DatabaseUnavailableError(cause), 503, 'serviceUnavailable', 'BackupSharing.DatabaseUnavailable'],
    [new DatabaseTimeoutError(cause), 504, 'gatewayTimeout', 'BackupSharing.DatabaseTimeout'],
  ])('maps %p to %i %s', (error, status, name, code) => {
    const fault = toFault(error);
    expect(fault.status).toBe(status);
    expect(fault.body).toEqual({ [name]: { code: status, message: expect.any(String), error_code: code } });
    expect(JSON.stringify(fault.body)).not.toContain('10.0.0.5');
  });

  it('maps a driver outage that no repository translated (a host route) to 503/504, never showing it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:3306'), { code: 'ECONNREFUSED' });
    expect(toFault(refused).status).toBe(503);
    const statementTimeout = new QueryFailedError('SELECT * FROM backups', [], Object.assign(new Error('max_statement_time exceeded'), { errno: 1969 }));
    expect(toFault(statementTimeout).status).toBe(504);
    expect(JSON.stringify(toFault(statementTimeout).body)).not.toMatch(/SELECT|max_statement/);
  });

  it("says in words what body-parser's size error means", () => {
    const parserError = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(toFault(parserError).body).toEqual({
      overLimit: { code: 413, message: 'The request body is larger than this service accepts.', error_code: 'BackupSharing.RequestTooLarge' },
    });
  });
});
