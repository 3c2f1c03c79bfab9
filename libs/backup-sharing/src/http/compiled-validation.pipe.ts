import { ArgumentMetadata, Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationArguments, getMetadataStorage } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { DepthLimitedValidationPipe } from './depth-limited-validation.pipe';

/** Whether an instance passes its class's rules; `undefined` when only class-validator can tell. */
type CompiledCheck = (entity: Record<string, unknown>) => boolean | undefined;

interface PropertyRules {
  property: string;
  conditions: ValidationMetadata[];
  validations: ValidationMetadata[];
}

const SUPPORTED_TYPES = new Set(['conditionalValidation', 'customValidation', 'isDefined', 'whitelistValidation']);
const RESERVED_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * The rules class-validator would apply to an instance of `metatype`, with the pipe's options
 * (no groups, no `always`), as one function; `undefined` when the class has rules this function
 * does not reproduce exactly (nested or promise validation, asynchronous validators).
 */
export function compileChecks(metatype: Type<unknown>): CompiledCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(metatype, undefined as unknown as string, false, false, undefined);
  if (metadatas.some((metadata) => !SUPPORTED_TYPES.has(metadata.type))) return undefined;
  const rules: PropertyRules[] = Object.entries(storage.groupByPropertyName(metadatas)).map(([property, group]) => ({
    property,
    conditions: group.filter((metadata) => metadata.type === 'conditionalValidation'),
    // isDefined first, as class-validator runs it; whitelist rules check nothing here.
    validations: [
      ...group.filter((metadata) => metadata.type === 'isDefined'),
      ...group.filter((metadata) => metadata.type === 'customValidation'),
    ],
  }));
  const constraints = new Map(
    rules.flatMap((rule) => rule.validations).map((metadata) => [metadata, storage.getTargetValidatorConstraints(metadata.constraintCls)]),
  );
  if ([...constraints.values()].some((list) => list.some((constraint) => constraint.async))) return undefined;

  return (entity) => {
    for (const { property, conditions, validations } of rules) {
      const value = entity[property];
      if (!conditions.every((condition) => condition.constraints[0](entity, value))) continue;
      for (const metadata of validations) {
        if (metadata.validateIf && !metadata.validateIf(entity, value)) continue;
        if (metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) return undefined;
        const args: ValidationArguments = {
          targetName: metatype.name,
          property: metadata.propertyName,
          object: entity,
          value,
          constraints: metadata.constraints,
        };
        for (const constraint of constraints.get(metadata)!) {
          const valid: unknown = constraint.instance.validate(value, args);
          if (typeof (valid as Promise<unknown> | null)?.then === 'function') return undefined;
          if (!valid) return false;
        }
      }
    }
    return true;
  };
}

/** A query as parsers hand it over: string values only (a repeated parameter is an array). */
function isFlatQuery(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const key in value) {
    if (RESERVED_KEYS.has(key) || typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}

/** An instance whose properties are all primitives (class-transformer made no objects). */
function isFlatEntity(entity: unknown): entity is Record<string, unknown> {
  if (entity === null || typeof entity !== 'object') return false;
  for (const key in entity) {
    const value = (entity as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') return false;
  }
  return true;
}

/**
 * The module's validation pipe, with a fast path for query parameters. class-validator builds
 * an executor, error records and argument objects for every property on every call, which made
 * the validation of a list's query cost more CPU than its SQL. A query of plain strings is
 * transformed as before (class-transformer, the DTO's own `@Transform`s) and checked by the
 * class's rules compiled once into one function calling the same validators; whatever that
 * function cannot settle, and every invalid query, takes the full path, which throws the same
 * errors as ever.
 */
export class CompiledValidationPipe extends DepthLimitedValidationPipe {
  private readonly checks = new Map<Type<unknown>, CompiledCheck | undefined>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const check = metadata.type === 'query' && metadata.metatype && !this.expectedType ? this.checkOf(metadata.metatype) : undefined;
    if (check && isFlatQuery(value)) {
      const entity: unknown = plainToInstance(metadata.metatype as Type<unknown>, value, this.transformOptions);
      if (isFlatEntity(entity) && entity.constructor === metadata.metatype && check(entity) === true) return entity;
    }
    return super.transform(value, metadata);
  }

  private checkOf(metatype: Type<unknown>): CompiledCheck | undefined {
    if (!this.checks.has(metatype)) {
      this.checks.set(metatype, this.toValidate({ type: 'query', metatype }) ? compileChecks(metatype) : undefined);
    }
    return this.checks.get(metatype);
  }
}
