import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { FAULT_NAMES } from '../http/fault.filter';

/** The inside of every fault: what `FaultFilter` writes under the fault name. */
export class FaultDetail {
  @ApiProperty({ type: 'integer', description: 'The HTTP status of the answer.', example: 404 })
  code: number;

  @ApiProperty({ description: 'What went wrong, in words a person can act on.', example: 'Backup sharing 8332443e-5c5b-4f2a-9c1e-0e4b1d2f3a4b could not be found.' })
  message: string;

  @ApiProperty({
    description: 'Stable machine-readable code to branch on.',
    pattern: '^BackupSharing\\.[A-Za-z]+$',
    example: 'BackupSharing.ShareNotFound',
  })
  error_code: string;
}

/** The statuses that carry a Cinder fault body (spec §3). */
export type FaultStatus = 400 | 401 | 403 | 404 | 405 | 406 | 407 | 408 | 409 | 413 | 415 | 500 | 501 | 502 | 503 | 504;

/**
 * One schema per fault name, e.g. `ItemNotFoundFault` = `{"itemNotFound": FaultDetail}`, so that
 * clients (and types generated from the document) see the exact key each status uses. Built from
 * `FAULT_NAMES`, the table the fault filter itself answers with, so the two cannot disagree.
 */
function faultType(status: FaultStatus): Type<unknown> {
  const faultName = FAULT_NAMES[status];
  const type = class {};
  const title = `${faultName[0].toUpperCase()}${faultName.slice(1)}`;
  Object.defineProperty(type, 'name', { value: title.endsWith('Fault') ? title : `${title}Fault` });
  ApiProperty({ type: FaultDetail, description: `HTTP ${status}: the fault, under the name \`${faultName}\`.` })(
    type.prototype,
    faultName,
  );
  return type;
}

export const FAULT_TYPES = Object.fromEntries(
  Object.keys(FAULT_NAMES).map((status) => [status, faultType(Number(status) as FaultStatus)]),
) as Readonly<Record<FaultStatus, Type<unknown>>>;

/** The fault body of a status, e.g. `faultBody(404, ...)` = `{"itemNotFound": {...}}`. */
export function faultBody(status: FaultStatus, message: string, errorCode: string) {
  return { [FAULT_NAMES[status]]: { code: status, message, error_code: errorCode } };
}
