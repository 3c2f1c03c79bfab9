import { ArgumentMetadata, Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationArguments, getMetadataStorage } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { DepthLimitedValidationPipe, MAX_BODY_DEPTH, everyObjectIn } from './depth-limited-validation.pipe';

/** Whether an instance passes its class's rules; `undefined` when only class-validator can tell. */
type CompiledCheck = (entity: Record<string, unknown>) => boolean | undefined;

interface PropertyRules {
  property: string;
  conditions: ValidationMetadata[];
  validations: ValidationMetadata[];
  /** `@ValidateNested()`: the value, an instance of a class, passes that class's rules. */
  nested: boolean;
}

const SUPPORTED_TYPES = new Set(['conditionalValidation', 'customValidation', 'isDefined', 'whitelistValidation', 'nestedValidation']);
const RESERVED_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** The compiled rules of each class met so far (nested values included); `undefined`: none can be. */
const compiledChecks = new WeakMap<Type<unknown>, CompiledCheck | undefined>();

function compiledCheckOf(metatype: Type<unknown>): CompiledCheck | undefined {
  if (!compiledChecks.has(metatype)) compiledChecks.set(metatype, compileChecks(metatype));
  return compiledChecks.get(metatype);
}

/** A nested value's verdict: its own class's rules, as class-validator runs them on an object. */
function nestedCheck(value: unknown): boolean | undefined {
  // class-validator skips an undefined nested value; an array, a Set or a Map it walks item by item.
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Set || value instanceof Map) return undefined;
  return compiledCheckOf(value.constructor as Type<unknown>)?.(value as Record<string, unknown>);
}

/**
 * The rules class-validator would apply to an instance of `metatype`, with the pipe's options
 * (no groups, no `always`), as one function; `undefined` when the class has rules this function
 * does not reproduce exactly (promise validation, asynchronous validators) or none at all (which
 * class-validator refuses as an unknown value).
 */
export function compileChecks(metatype: Type<unknown>): CompiledCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(metatype, undefined as unknown as string, false, false, undefined);
  if (metadatas.length === 0 || metadatas.some((metadata) => !SUPPORTED_TYPES.has(metadata.type))) return undefined;
  const rules: PropertyRules[] = Object.entries(storage.groupByPropertyName(metadatas)).map(([property, group]) => ({
    property,
    conditions: group.filter((metadata) => metadata.type === 'conditionalValidation'),
    // isDefined first, as class-validator runs it; whitelist rules check nothing here.
    validations: [
      ...group.filter((metadata) => metadata.type === 'isDefined'),
      ...group.filter((metadata) => metadata.type === 'customValidation'),
    ],
    nested: group.some((metadata) => metadata.type === 'nestedValidation'),
  }));
  const constraints = new Map(
    rules.flatMap((rule) => rule.validations).map((metadata) => [metadata, storage.getTargetValidatorConstraints(metadata.constraintCls)]),
  );
  if ([...constraints.values()].some((list) => list.some((constraint) => constraint.async))) return undefined;

  return (entity) => {
    for (const { property, conditions, validations, nested } of rules) {
      const value = entity[property];
      if (!conditions.every((condition) => condition.constraints[0](entity, value))) continue;
      for (const metadata of validations) {
        if (metadata.validateIf && !metadata.validateIf(entity, value)) continue;
        // `each`: every item of an array, as class-validator checks them (a Set or a Map: the full path).
        const each = metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
        if (each && !Array.isArray(value)) return undefined;
        const args: ValidationArguments = {
          targetName: metatype.name,
          property: metadata.propertyName,
          object: entity,
          value,
          constraints: metadata.constraints,
        };
        for (const constraint of constraints.get(metadata)!) {
          for (const item of each ? (value as unknown[]) : [value]) {
            const valid: unknown = constraint.instance.validate(item, args);
            if (typeof (valid as Promise<unknown> | null)?.then === 'function') return undefined;
            if (!valid) return false;
          }
        }
      }
      if (nested) {
        const verdict = nestedCheck(value);
        if (verdict !== true) return verdict;
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
 * A body as a JSON parser hands it over, which the full pipe would leave as it is before
 * transforming it: plain objects and dense arrays of strings, numbers, booleans and nulls, no key
 * that it strips (`__proto__`, `prototype`, `constructor`), nested no deeper than it allows.
 */
function isPlainJson(value: unknown): boolean {
  return everyObjectIn(value, (object, depth) => {
    if (depth > MAX_BODY_DEPTH) return false;
    const plain = Array.isArray(object) ? Object.keys(object).length === object.length : Object.getPrototypeOf(object) === Object.prototype;
    if (!plain) return false;
    for (const key in object) {
      const type = typeof (object as Record<string, unknown>)[key];
      if (RESERVED_KEYS.has(key) || type === 'function' || type === 'symbol' || type === 'bigint') return false;
    }
    return true;
  });
}

/**
 * The module's validation pipe, with a fast path for query parameters and JSON bodies.
 * class-validator builds an executor, error records and argument objects for every property on
 * every call, which made the validation of a list's query cost more CPU than its SQL, and of a
 * share's body a tenth of its answer. A query of plain strings, or a body of plain JSON, is
 * transformed as before (class-transformer, the DTO's own `@Transform`s and `@Type`s) and
 * checked by the class's rules compiled once into one function calling the same validators;
 * whatever that function cannot settle, and every invalid value, takes the full path, which
 * throws the same errors as ever.
 */
export class CompiledValidationPipe extends DepthLimitedValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Type<unknown> | undefined;
    const check = metatype && !this.expectedType && this.fastPathOf(metadata, value) && this.toValidate(metadata) ? compiledCheckOf(metatype) : undefined;
    if (check) {
      const entity: unknown = plainToInstance(metatype!, value, this.transformOptions);
      const settled = metadata.type === 'body' || isFlatEntity(entity);
      if (settled && (entity as object | null)?.constructor === metatype && check(entity as Record<string, unknown>) === true) return entity;
    }
    return super.transform(value, metadata);
  }

  private fastPathOf(metadata: ArgumentMetadata, value: unknown): boolean {
    if (metadata.type === 'query') return isFlatQuery(value);
    if (metadata.type === 'body') return value !== null && typeof value === 'object' && !Array.isArray(value) && isPlainJson(value);
    return false;
  }
}
