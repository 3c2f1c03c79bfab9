import { ValidationError } from 'class-validator';
import { InvalidRequestError } from '../backup-sharing.errors';
import { CompiledValidationPipe } from './compiled-validation.pipe';

function messagesOf(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [...Object.values(error.constraints ?? {}), ...messagesOf(error.children ?? [])]);
}

/**
 * The module's validation of bodies and query parameters (class-validator DTOs, transformed),
 * for a host's own routes too: every failure is one readable 400 `badRequest` in the fault shape,
 * and bodies nested beyond reason are refused before they are walked.
 */
export class FaultValidationPipe extends CompiledValidationPipe {
  constructor() {
    super({
      transform: true,
      exceptionFactory: (errors: ValidationError[]) => new InvalidRequestError([...new Set(messagesOf(errors))].join(' ')),
    });
  }
}
